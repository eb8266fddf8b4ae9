package dev.nodenet.controlplane.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodenet.controlplane.server.ApiException.Cause;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

class EndpointSliceStrategyTest {
    static final EndpointSliceStrategy STRATEGY = new EndpointSliceStrategy();

    static ObjectNode slice(String body) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(("{'apiVersion':'discovery.k8s.io/v1','kind':'EndpointSlice',"
                + "'metadata':{'name':'web-1','namespace':'default'}," + body + "}").replace('\'', '"'));
    }

    static List<String> problems(String body) throws Exception {
        ObjectNode s = slice(body);
        STRATEGY.prepareForCreate(s);
        return STRATEGY.validate(s, null).stream().map(c -> c.field() + ": " + c.message()).toList();
    }

    @Test
    void validSlicesPassAndPortsAreDefaulted() throws Exception {
        assertEquals(List.of(), problems("'addressType':'IPv4','endpoints':[{'addresses':['10.244.1.2'],'nodeName':'node-1','conditions':{'ready':true}}],'ports':[{'name':'http','port':8080}]"));
        assertEquals(List.of(), problems("'addressType':'IPv6','endpoints':[{'addresses':['fd00::2'],'hostname':'web-0'}],'ports':[{'port':53,'protocol':'UDP'},{'name':'b','port':53}]"));
        assertEquals(List.of(), problems("'addressType':'FQDN','endpoints':[{'addresses':['db.example.com']}]"));
        assertEquals(List.of(), problems("'addressType':'IPv4','endpoints':[],'ports':[]"));
        ObjectNode s = slice("'addressType':'IPv4','ports':[{'port':80}]");
        STRATEGY.prepareForCreate(s);
        assertEquals("TCP", s.at("/ports/0/protocol").asText());
        assertEquals("", s.at("/ports/0/name").asText());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'endpoints':[]                                                                 | addressType: Required value",
            "'addressType':'IP','endpoints':[]                                              | addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"",
            "'addressType':'IPv4','endpoints':[{'addresses':['abc']}]                       | endpoints[0].addresses[0]: Invalid value: \"abc\": must be a valid IPv4 address",
            "'addressType':'IPv4','endpoints':[{'addresses':['fd00::1']}]                   | endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address",
            "'addressType':'IPv4','endpoints':[{'addresses':[]}]                            | endpoints[0].addresses: Required value: must contain at least 1 address",
            "'addressType':'IPv4','endpoints':[{'addresses':['10.0.0.1'],'nodeName':'A_b'}] | endpoints[0].nodeName: Invalid value: \"A_b\": a lowercase RFC 1123 subdomain",
            "'addressType':'IPv4','ports':[{'port':70000}]                                  | ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "'addressType':'IPv4','ports':[{'port':0}]                                      | ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
            "'addressType':'IPv4','ports':[{'name':'p','port':80},{'name':'p','port':90}]   | ports[1].name: Duplicate value: \"p\"",
            "'addressType':'IPv4','ports':[{'port':80},{'port':90}]                         | ports[1].name: Duplicate value: \"\"",
            "'addressType':'IPv4','ports':[{'name':'Http','port':80}]                       | ports[0].name: Invalid value: \"Http\": a lowercase RFC 1123 label",
            "'addressType':'IPv4','ports':[{'port':80,'protocol':'ICMP'}]                   | ports[0].protocol: Unsupported value: \"ICMP\"",
    })
    void badSlicesAreRefusedWithOneCausePerField(String body, String expected) throws Exception {
        List<String> got = problems(body);
        assertEquals(1, got.size(), got.toString());
        org.junit.jupiter.api.Assertions.assertTrue(got.getFirst().startsWith(expected), got.getFirst() + " should start with " + expected);
    }

    @Test
    void addressTypeIsImmutable() throws Exception {
        ObjectNode old = slice("'addressType':'IPv4'"), updated = slice("'addressType':'IPv6'");
        List<Cause> causes = STRATEGY.validate(updated, old);
        assertEquals(List.of("addressType: Invalid value: \"IPv6\": field is immutable"), causes.stream().map(c -> c.field() + ": " + c.message()).toList());
    }
}
