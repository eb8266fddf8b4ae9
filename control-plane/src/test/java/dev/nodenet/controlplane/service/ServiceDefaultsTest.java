package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceDefaultsTest {
    static final ServiceNetworkConfig DUAL = ServiceNetworkConfig.parse("10.96.0.0/12,fd00:10:96::/108", "30000-32767");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // plain ClusterIP
            "{'ports':[{'port':80}]}|single|{'ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // ClientIP affinity gets the 3 hour timeout; named targetPort kept
            "{'sessionAffinity':'ClientIP','ports':[{'port':80,'targetPort':'http'}]}|single|{'sessionAffinity':'ClientIP','ports':[{'port':80,'targetPort':'http','protocol':'TCP'}],'type':'ClusterIP','sessionAffinityConfig':{'clientIP':{'timeoutSeconds':10800}},'internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // affinity None carries no config
            "{'sessionAffinity':'None','sessionAffinityConfig':{'clientIP':{'timeoutSeconds':10}},'ports':[{'port':80}]}|single|{'sessionAffinity':'None','ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // NodePort: externalTrafficPolicy Cluster
            "{'type':'NodePort','ports':[{'port':80,'protocol':'UDP'}]}|single|{'type':'NodePort','ports':[{'port':80,'protocol':'UDP','targetPort':80}],'sessionAffinity':'None','externalTrafficPolicy':'Cluster','internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // ClusterIP with externalIPs is externally accessible too
            "{'externalIPs':['192.0.2.1'],'ports':[{'port':80}]}|single|{'externalIPs':['192.0.2.1'],'ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','externalTrafficPolicy':'Cluster','internalTrafficPolicy':'Cluster','ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // LoadBalancer allocates node ports by default
            "{'type':'LoadBalancer','ports':[{'port':80}]}|single|{'type':'LoadBalancer','ports':[{'port':80,'protocol':'TCP','targetPort':80}],'sessionAffinity':'None','externalTrafficPolicy':'Cluster','internalTrafficPolicy':'Cluster','allocateLoadBalancerNodePorts':true,'ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // ExternalName: no IP fields, no internalTrafficPolicy
            "{'type':'ExternalName','externalName':'a.b'}|single|{'type':'ExternalName','externalName':'a.b','sessionAffinity':'None'}",
            // a requested clusterIP fills clusterIPs and the family
            "{'clusterIP':'10.96.0.10','ports':[{'port':80}]}|dual|{'clusterIP':'10.96.0.10','ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','internalTrafficPolicy':'Cluster','clusterIPs':['10.96.0.10'],'ipFamilyPolicy':'SingleStack','ipFamilies':['IPv4']}",
            // PreferDualStack on a dual-stack cluster gets both families, primary first
            "{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}|dual|{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','internalTrafficPolicy':'Cluster','ipFamilies':['IPv4','IPv6']}",
            // ... and one family on a single-stack cluster
            "{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}|single|{'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','internalTrafficPolicy':'Cluster','ipFamilies':['IPv4']}",
            // two families requested: RequireDualStack
            "{'ipFamilies':['IPv6','IPv4'],'ports':[{'port':80}]}|dual|{'ipFamilies':['IPv6','IPv4'],'ports':[{'port':80,'protocol':'TCP','targetPort':80}],'type':'ClusterIP','sessionAffinity':'None','internalTrafficPolicy':'Cluster','ipFamilyPolicy':'RequireDualStack'}",
    })
    void defaults(String spec, String cluster, String expected) {
        ObjectNode s = json(spec);
        ServiceDefaults.apply(s, cluster.equals("dual") ? DUAL : ServiceNetworkConfig.DEFAULT);
        assertEquals(json(expected), s);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // NodePort -> ClusterIP: unchanged nodePorts are dropped, the clusterIP stays
            "{'type':'NodePort','clusterIP':'10.96.0.5','clusterIPs':['10.96.0.5'],'externalTrafficPolicy':'Cluster','ports':[{'port':80,'nodePort':30001}]}|{'type':'ClusterIP','externalTrafficPolicy':'Cluster','ports':[{'port':80,'nodePort':30001}]}|{'type':'ClusterIP','ports':[{'port':80}],'clusterIP':'10.96.0.5','clusterIPs':['10.96.0.5']}",
            // NodePort re-sent without nodePorts keeps them (kubectl replace)
            "{'type':'NodePort','ports':[{'port':80,'protocol':'TCP','nodePort':30001}]}|{'type':'NodePort','ports':[{'port':80},{'port':81}]}|{'type':'NodePort','ports':[{'port':80,'nodePort':30001},{'port':81}]}",
            // LoadBalancer Local re-sent without healthCheckNodePort keeps it
            "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':30500,'ports':[]}|{'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[]}|{'type':'LoadBalancer','externalTrafficPolicy':'Local','ports':[],'healthCheckNodePort':30500}",
            // Local -> Cluster drops the health check port
            "{'type':'LoadBalancer','externalTrafficPolicy':'Local','healthCheckNodePort':30500,'ports':[]}|{'type':'LoadBalancer','externalTrafficPolicy':'Cluster','healthCheckNodePort':30500,'ports':[]}|{'type':'LoadBalancer','externalTrafficPolicy':'Cluster','ports':[]}",
    })
    void carryOver(String oldSpec, String newSpec, String expected) {
        ObjectNode s = json(newSpec);
        ServiceDefaults.carryOver(s, json(oldSpec));
        assertEquals(json(expected), s);
    }
}
