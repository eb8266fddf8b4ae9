package dev.nodenet.controlplane.service;

import static dev.nodenet.controlplane.service.Harness.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException.Cause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

class ServiceValidationTest {
    static final ServiceNetworkConfig CFG = ServiceNetworkConfig.DEFAULT;
    static final ServiceNetworkConfig DUAL = ServiceNetworkConfig.parse("10.96.0.0/12,fd00:10:96::/108", "30000-32767");

    /** Defaults then validates a new Service, as the create path does. */
    static List<Cause> create(String spec, ServiceNetworkConfig cfg) {
        ObjectNode svc = service("web", spec);
        ServiceDefaults.apply((ObjectNode) svc.get("spec"), cfg);
        return ServiceValidation.validate(svc, null, cfg);
    }

    static List<Cause> update(String oldSpec, String newSpec) {
        ObjectNode old = service("web", oldSpec);
        ServiceDefaults.apply((ObjectNode) old.get("spec"), CFG);
        ObjectNode svc = service("web", newSpec);
        ServiceDefaults.carryOver((ObjectNode) svc.get("spec"), (ObjectNode) old.get("spec"));
        ServiceDefaults.apply((ObjectNode) svc.get("spec"), CFG);
        return ServiceValidation.validate(svc, old, CFG);
    }

    @Test
    void validServicesPass() {
        assertEquals(List.of(), create("{'ports':[{'port':80}]}", CFG));
        assertEquals(List.of(), create("{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30080},{'name':'b','port':80,'protocol':'UDP','nodePort':30080}]}", CFG));
        assertEquals(List.of(), create("{'type':'LoadBalancer','externalTrafficPolicy':'Local','loadBalancerSourceRanges':['10.1.2.3/8','2001:db8::/64'],'ports':[{'port':443,'targetPort':'https'}]}", CFG));
        assertEquals(List.of(), create("{'type':'ExternalName','externalName':'db.example.com.'}", CFG));
        assertEquals(List.of(), create("{'clusterIP':'None'}", CFG));
        assertEquals(List.of(), create("{'sessionAffinity':'ClientIP','externalIPs':['192.0.2.10'],'ports':[{'port':80}]}", CFG));
        assertEquals(List.of(), create("{'ipFamilyPolicy':'RequireDualStack','ports':[{'port':80}]}", DUAL));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{'type':'Foo','ports':[{'port':80}]}|spec.type|Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"",
            "{'ports':[{'port':70000}]}|spec.ports[0].port|Invalid value: 70000: must be between 1 and 65535, inclusive",
            "{'ports':[{'port':0,'targetPort':80}]}|spec.ports[0].port|Invalid value: 0: must be between 1 and 65535, inclusive",
            "{'ports':[{'name':'http','port':80},{'name':'http','port':81}]}|spec.ports[1].name|Duplicate value: \"http\"",
            "{'ports':[{'port':80},{'name':'b','port':81}]}|spec.ports[0].name|Required value",
            "{'ports':[{'name':'Http','port':80}]}|spec.ports[0].name|Invalid value: \"Http\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            "{'ports':[{'port':80,'protocol':'ICMP'}]}|spec.ports[0].protocol|Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "{'ports':[{'port':80,'targetPort':65536}]}|spec.ports[0].targetPort|Invalid value: 65536: must be between 1 and 65535, inclusive",
            "{'ports':[{'port':80,'targetPort':'http_x'}]}|spec.ports[0].targetPort|Invalid value: \"http_x\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
            "{'ports':[{'port':80,'targetPort':'1234'}]}|spec.ports[0].targetPort|Invalid value: \"1234\": must contain at least one letter (a-z)",
            "{'ports':[{'port':80,'targetPort':'a-very-long-port-name'}]}|spec.ports[0].targetPort|Invalid value: \"a-very-long-port-name\": must be no more than 15 characters",
            "{'ports':[{'port':80,'targetPort':'a--b'}]}|spec.ports[0].targetPort|Invalid value: \"a--b\": must not contain consecutive hyphens",
            "{'ports':[{'port':80,'targetPort':'-ab'}]}|spec.ports[0].targetPort|Invalid value: \"-ab\": must not begin or end with a hyphen",
            "{'ports':[{'name':'a','port':80},{'name':'b','port':80}]}|spec.ports[1]|Duplicate value: {\"port\":80,\"protocol\":\"TCP\"}",
            "{'type':'NodePort','ports':[{'name':'a','port':80,'nodePort':30080},{'name':'b','port':81,'nodePort':30080}]}|spec.ports[1].nodePort|Duplicate value: 30080",
            "{'ports':[{'port':80,'nodePort':30080}]}|spec.ports[0].nodePort|Forbidden: may not be used when `type` is 'ClusterIP'",
            "{'type':'NodePort','ports':[{'port':80,'nodePort':70000}]}|spec.ports[0].nodePort|Invalid value: 70000: must be between 1 and 65535, inclusive",
            "{}|spec.ports|Required value",
            "{'sessionAffinity':'Sticky','ports':[{'port':80}]}|spec.sessionAffinity|Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\"",
            "{'sessionAffinity':'ClientIP','sessionAffinityConfig':{'clientIP':{'timeoutSeconds':0}},'ports':[{'port':80}]}|spec.sessionAffinityConfig.clientIP.timeoutSeconds|Invalid value: 0: must be greater than 0 and less than 86400",
            "{'sessionAffinity':'ClientIP','sessionAffinityConfig':{'clientIP':{'timeoutSeconds':86401}},'ports':[{'port':80}]}|spec.sessionAffinityConfig.clientIP.timeoutSeconds|Invalid value: 86401: must be greater than 0 and less than 86400",
            "{'externalTrafficPolicy':'Local','ports':[{'port':80}]}|spec.externalTrafficPolicy|Invalid value: \"Local\": may only be set for externally-accessible services",
            "{'type':'NodePort','externalTrafficPolicy':'Nearby','ports':[{'port':80}]}|spec.externalTrafficPolicy|Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"",
            "{'internalTrafficPolicy':'Nearby','ports':[{'port':80}]}|spec.internalTrafficPolicy|Unsupported value: \"Nearby\": supported values: \"Cluster\", \"Local\"",
            "{'type':'NodePort','healthCheckNodePort':30100,'ports':[{'port':80}]}|spec.healthCheckNodePort|Invalid value: 30100: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            "{'clusterIP':'10.96.0.300','ports':[{'port':80}]}|spec.clusterIPs[0]|Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            "{'clusterIP':'10.96.0.10','clusterIPs':['10.96.0.11'],'ports':[{'port':80}]}|spec.clusterIPs|Invalid value: [\"10.96.0.11\"]: first value must match `clusterIP`",
            "{'type':'NodePort','clusterIP':'None','ports':[{'port':80}]}|spec.clusterIPs[0]|Invalid value: \"None\": may not be set to 'None' for NodePort services",
            "{'type':'LoadBalancer','clusterIP':'None','ports':[{'port':80}]}|spec.clusterIPs[0]|Invalid value: \"None\": may not be set to 'None' for LoadBalancer services",
            "{'clusterIP':'fd00::1','ports':[{'port':80}]}|spec.ipFamilies[0]|Invalid value: \"IPv6\": not configured on this cluster",
            "{'ipFamilies':['IPv5'],'ports':[{'port':80}]}|spec.ipFamilies[0]|Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\"",
            "{'ipFamilyPolicy':'RequireDualStack','ports':[{'port':80}]}|spec.ipFamilyPolicy|Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services",
            "{'ipFamilyPolicy':'Maybe','ports':[{'port':80}]}|spec.ipFamilyPolicy|Unsupported value: \"Maybe\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\"",
            "{'clusterIPs':['10.96.0.10','10.96.0.11'],'ipFamilyPolicy':'PreferDualStack','ports':[{'port':80}]}|spec.clusterIPs[1]|Invalid value: [\"10.96.0.10\",\"10.96.0.11\"]: may specify no more than one IP for each IP family",
            "{'externalIPs':['1.2.3'],'ports':[{'port':80}]}|spec.externalIPs[0]|Invalid value: \"1.2.3\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
            "{'externalIPs':['127.0.0.1'],'ports':[{'port':80}]}|spec.externalIPs[0]|Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
            "{'externalIPs':['0.0.0.0'],'ports':[{'port':80}]}|spec.externalIPs[0]|Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)",
            "{'externalIPs':['fe80::1'],'ports':[{'port':80}]}|spec.externalIPs[0]|Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)",
            "{'type':'LoadBalancer','loadBalancerSourceRanges':['10.0.0.0'],'ports':[{'port':80}]}|spec.loadBalancerSourceRanges[0]|Invalid value: \"10.0.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
            "{'loadBalancerSourceRanges':['10.0.0.0/8'],'ports':[{'port':80}]}|spec.loadBalancerSourceRanges|Forbidden: may only be used when `type` is 'LoadBalancer'",
            "{'allocateLoadBalancerNodePorts':false,'ports':[{'port':80}]}|spec.allocateLoadBalancerNodePorts|Forbidden: may only be used when `type` is 'LoadBalancer'",
            "{'loadBalancerIP':'10.0.0.1','ports':[{'port':80}]}|spec.loadBalancerIP|Forbidden: may only be used when `type` is 'LoadBalancer'",
            "{'type':'ExternalName'}|spec.externalName|Required value",
            "{'type':'ExternalName','externalName':'Bad_Name'}|spec.externalName|Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            "{'type':'ExternalName','externalName':'db.example.com','clusterIP':'10.96.0.10'}|spec.clusterIP|Forbidden: may not be set for ExternalName services",
            "{'type':'ExternalName','externalName':'db.example.com','ipFamilies':['IPv4']}|spec.ipFamilies|Forbidden: may not be set for ExternalName services",
            "{'ports':[{'port':80,'appProtocol':'-bad-'}]}|spec.ports[0].appProtocol|Invalid value: \"-bad-\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    })
    void eachRuleReportsItsField(String spec, String field, String message) {
        List<Cause> causes = create(spec, CFG);
        assertTrue(causes.stream().anyMatch(c -> c.field().equals(field) && c.message().equals(message)),
                () -> "expected " + field + ": " + message + "\n got " + causes);
    }

    @Test
    void oneCausePerBadField() {
        List<Cause> causes = create("{'type':'Foo','sessionAffinity':'X','ports':[{'port':70000,'protocol':'X'}]}", CFG);
        // targetPort was defaulted from the bad port, so it is reported too (as upstream does).
        assertEquals(List.of("spec.type", "spec.ports[0].port", "spec.ports[0].protocol", "spec.ports[0].targetPort", "spec.sessionAffinity"),
                causes.stream().map(Cause::field).toList());
        assertEquals("FieldValueNotSupported", causes.get(0).type());
        assertEquals("FieldValueInvalid", causes.get(1).type());
    }

    @Test
    void clusterIpMayNotChangeOnUpdate() {
        List<Cause> causes = update("{'clusterIP':'10.96.0.10','ports':[{'port':80}]}", "{'clusterIP':'10.96.0.11','ports':[{'port':80}]}");
        assertEquals(List.of(new Cause("FieldValueInvalid", "spec.clusterIPs[0]", "Invalid value: \"10.96.0.11\": may not change once set")), causes);
    }

    @Test
    void updateWithoutClusterIpKeepsIt() {
        assertEquals(List.of(), update("{'clusterIP':'10.96.0.10','ports':[{'port':80}]}", "{'ports':[{'port':81}]}"));
    }

    @Test
    void changingToExternalNameDropsTheClusterIp() {
        assertEquals(List.of(), update("{'clusterIP':'10.96.0.10','ports':[{'port':80}]}",
                "{'type':'ExternalName','externalName':'x.example','clusterIP':'10.96.0.10','clusterIPs':['10.96.0.10'],'ipFamilies':['IPv4'],'ipFamilyPolicy':'SingleStack','internalTrafficPolicy':'Cluster','ports':[{'port':80}]}"));
    }

    @Test
    void ipFamilyMayNotChangeOnUpdate() {
        ObjectNode old = service("web", "{'clusterIP':'10.96.0.10','ports':[{'port':80}]}");
        ServiceDefaults.apply((ObjectNode) old.get("spec"), DUAL);
        ObjectNode svc = service("web", "{'clusterIP':'10.96.0.10','ipFamilies':['IPv6'],'ports':[{'port':80}]}");
        ServiceDefaults.apply((ObjectNode) svc.get("spec"), DUAL);
        List<Cause> causes = ServiceValidation.validate(svc, old, DUAL);
        assertTrue(causes.contains(new Cause("FieldValueInvalid", "spec.ipFamilies[0]", "Invalid value: \"IPv6\": may not change once set")), causes::toString);
    }

    @Test
    void specMustBeThere() {
        ObjectNode svc = Harness.json("{'metadata':{'name':'x'}}");
        assertEquals(List.of(new Cause("FieldValueRequired", "spec", "Required value")), ServiceValidation.validate(svc, null, CFG));
    }
}
