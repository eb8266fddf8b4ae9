package dev.nodenet.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed environment or configuration gets the spec's error object with the right code on stdout, a non-zero
 * exit, a log line on stderr — and changes nothing: no link in the host or container namespace, no IPAM directory,
 * no iptables rule.
 */
@Tag("privileged")
class BadInputPrivilegedTest {
    @TempDir Path tmp;

    private record Case(String name, int code, Consumer<Map<String, String>> env, String conf) {}

    @Test
    void everyBadInputIsRejectedWithItsCodeAndChangesNothing() throws Exception {
        try (Lab lab = new Lab(tmp)) {
            String c = lab.container();
            Path plainFile = Files.writeString(tmp.resolve("not-a-netns"), "x");
            String good = lab.v4Conf("1.1.0", "\"isGateway\":true,\"ipMasq\":true");
            String ipam = lab.hostLocal("[[{\"subnet\":\"10.77.0.0/24\"}]]");
            List<Case> cases = List.of(
                    new Case("no CNI_COMMAND", 4, e -> e.remove("CNI_COMMAND"), good),
                    new Case("unknown CNI_COMMAND", 4, e -> e.put("CNI_COMMAND", "ATTACH"), good),
                    new Case("no CNI_CONTAINERID", 4, e -> e.remove("CNI_CONTAINERID"), good),
                    new Case("no CNI_NETNS", 4, e -> e.remove("CNI_NETNS"), good),
                    new Case("no CNI_IFNAME", 4, e -> e.remove("CNI_IFNAME"), good),
                    new Case("bad container id", 4, e -> e.put("CNI_CONTAINERID", "../etc"), good),
                    new Case("ifname too long", 4, e -> e.put("CNI_IFNAME", "abcdefghijklmnop"), good),
                    new Case("ifname with slash", 4, e -> e.put("CNI_IFNAME", "a/b"), good),
                    new Case("ifname dot", 4, e -> e.put("CNI_IFNAME", ".."), good),
                    new Case("relative netns", 4, e -> e.put("CNI_NETNS", "netns/x"), good),
                    new Case("missing netns", 4, e -> e.put("CNI_NETNS", "/var/run/netns/nn-does-not-exist"), good),
                    new Case("netns is a plain file", 4, e -> e.put("CNI_NETNS", plainFile.toString()), good),
                    new Case("netns is the host's own", 4, e -> e.put("CNI_NETNS", "/var/run/netns/" + lab.host), good),
                    new Case("DEL of the host's own netns", 4, e -> {
                        e.put("CNI_COMMAND", "DEL");
                        e.put("CNI_NETNS", "/var/run/netns/" + lab.host);
                    }, good),
                    new Case("CNI_ARGS not K=V", 4, e -> e.put("CNI_ARGS", "IgnoreUnknown"), good),
                    new Case("not JSON", 6, e -> { }, "{\"cniVersion\":"),
                    new Case("JSON array", 6, e -> { }, "[]"),
                    new Case("duplicate key", 6, e -> { }, good.replace("\"isGateway\":true", "\"isGateway\":true,\"isGateway\":false")),
                    new Case("trailing garbage", 6, e -> { }, good + "x"),
                    new Case("cniVersion a number", 6, e -> { }, good.replace("\"1.1.0\"", "1.1")),
                    new Case("unknown cniVersion", 1, e -> { }, good.replace("\"1.1.0\"", "\"9.9.9\"")),
                    new Case("no cniVersion", 1, e -> { }, good.replace("\"cniVersion\":\"1.1.0\",", "")),
                    new Case("CHECK at 0.3.1", 1, e -> e.put("CNI_COMMAND", "CHECK"), good.replace("\"1.1.0\"", "\"0.3.1\"")),
                    new Case("STATUS at 1.0.0", 1, e -> e.put("CNI_COMMAND", "STATUS"), good.replace("\"1.1.0\"", "\"1.0.0\"")),
                    new Case("GC at 0.4.0", 1, e -> e.put("CNI_COMMAND", "GC"), good.replace("\"1.1.0\"", "\"0.4.0\"")),
                    new Case("no name", 7, e -> { }, good.replace("\"name\":\"labnet\",", "")),
                    new Case("bad name", 7, e -> { }, good.replace("\"labnet\"", "\"lab net\"")),
                    new Case("other type", 7, e -> { }, good.replace("\"nodenet\"", "\"bridge\"")),
                    new Case("bridge name too long", 7, e -> { }, good.replace(lab.bridge, "averyveryverylongbridge")),
                    new Case("isGateway a string", 7, e -> { }, good.replace("\"isGateway\":true", "\"isGateway\":\"yes\"")),
                    new Case("mtu too small", 7, e -> { }, lab.v4Conf("1.1.0", "\"mtu\":10")),
                    new Case("mtu fractional", 7, e -> { }, lab.v4Conf("1.1.0", "\"mtu\":1400.5")),
                    new Case("vlan", 2, e -> { }, lab.v4Conf("1.1.0", "\"vlan\":100")),
                    new Case("macspoofchk", 2, e -> { }, lab.v4Conf("1.1.0", "\"macspoofchk\":true")),
                    new Case("nftables masq backend", 2, e -> { }, lab.v4Conf("1.1.0", "\"ipMasq\":true,\"ipMasqBackend\":\"nftables\"")),
                    new Case("no ipam", 7, e -> { }, "{\"cniVersion\":\"1.1.0\",\"name\":\"labnet\",\"type\":\"nodenet\"}"),
                    new Case("ipam without type", 7, e -> { }, lab.conf("1.1.0", "", "{\"subnet\":\"10.77.0.0/24\"}")),
                    new Case("ipam type with slash", 7, e -> { }, lab.conf("1.1.0", "", "{\"type\":\"../bin/sh\"}")),
                    new Case("host-local without ranges", 7, e -> { }, lab.conf("1.1.0", "", "{\"type\":\"host-local\"}")),
                    new Case("subnet with host bits", 7, e -> { }, good.replace("10.77.0.0/24", "10.77.0.1/24")),
                    new Case("subnet too small", 7, e -> { }, good.replace("10.77.0.0/24", "10.77.0.0/31")),
                    new Case("subnet not CIDR", 7, e -> { }, good.replace("10.77.0.0/24", "10.77.0.0")),
                    new Case("subnet a name", 7, e -> { }, good.replace("10.77.0.0/24", "example.com/24")),
                    new Case("rangeStart outside", 7, e -> { }, good.replace("\"subnet\":\"10.77.0.0/24\"", "\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.78.0.5\"")),
                    new Case("rangeStart after rangeEnd", 7, e -> { }, good.replace("\"subnet\":\"10.77.0.0/24\"", "\"subnet\":\"10.77.0.0/24\",\"rangeStart\":\"10.77.0.9\",\"rangeEnd\":\"10.77.0.5\"")),
                    new Case("gateway of other family", 7, e -> { }, good.replace("\"subnet\":\"10.77.0.0/24\"", "\"subnet\":\"10.77.0.0/24\",\"gateway\":\"fd00::1\"")),
                    new Case("range set mixing families", 7, e -> { }, lab.conf("1.1.0", "", lab.hostLocal("[[{\"subnet\":\"10.77.0.0/24\"},{\"subnet\":\"fd00::/64\"}]]"))),
                    new Case("overlapping ranges", 7, e -> { }, lab.conf("1.1.0", "", lab.hostLocal("[[{\"subnet\":\"10.77.0.0/24\"}],[{\"subnet\":\"10.77.0.0/16\"}]]"))),
                    new Case("empty range set", 7, e -> { }, lab.conf("1.1.0", "", lab.hostLocal("[[]]"))),
                    new Case("route dst not CIDR", 7, e -> { }, lab.conf("1.1.0", "", ipam.substring(0, ipam.length() - 1) + ",\"routes\":[{\"dst\":\"10.1.0.0\"}]}")),
                    new Case("relative dataDir", 7, e -> { }, lab.conf("1.1.0", "", ipam.replace(lab.dataDir.toString(), "var/lib"))),
                    new Case("resolvConf", 2, e -> { }, lab.conf("1.1.0", "", ipam.replace("\"type\":\"host-local\"", "\"type\":\"host-local\",\"resolvConf\":\"/etc/resolv.conf\""))),
                    new Case("bad prevResult", 6, e -> { }, BridgePluginPrivilegedTest.withPrevResult(good, "{\"ips\":[{\"address\":\"10.1.2.3\"}]}")),
                    new Case("prevResult ip for missing interface", 6, e -> { }, BridgePluginPrivilegedTest.withPrevResult(good, "{\"ips\":[{\"address\":\"10.1.2.3/24\",\"interface\":4}]}")),
                    new Case("delegated ipam not in CNI_PATH", 7, e -> { }, lab.conf("1.1.0", "", "{\"type\":\"no-such-ipam\"}")),
                    new Case("CHECK without prevResult", 7, e -> e.put("CNI_COMMAND", "CHECK"), good),
                    new Case("GC attachments not an array", 7, e -> e.put("CNI_COMMAND", "GC"), good.replace("\"ipam\":", "\"cni.dev/valid-attachments\":{},\"ipam\":")));
            List<String> failures = new ArrayList<>();
            for (Case k : cases) {
                Map<String, String> env = Lab.env("ADD", "ctr", c, "eth0");
                k.env().accept(env);
                Lab.Outcome out = lab.run(env, k.conf());
                String problem = null;
                try {
                    Map<String, Object> json = out.json();
                    if (out.exit() == 0) problem = "exit 0";
                    else if (((Number) json.get("code")).intValue() != k.code()) problem = "code " + json.get("code");
                    else if (!json.keySet().containsAll(List.of("cniVersion", "code", "msg", "details"))) problem = "keys " + json.keySet();
                    else if (((String) json.get("msg")).isEmpty()) problem = "empty msg";
                    else if (out.stderr().isBlank()) problem = "nothing logged on stderr";
                } catch (RuntimeException e) {
                    problem = "unparseable stdout";
                }
                String hostLinks = Lab.ip(lab.host, "-o", "link");
                if (problem == null && hostLinks.lines().count() != 1) problem = "host links changed: " + hostLinks;
                if (problem == null && Lab.ip(Lab.nsName(c), "-o", "link").lines().count() != 1) problem = "container links changed";
                if (problem == null && Files.exists(lab.dataDir)) problem = "IPAM directory created";
                if (problem == null && Lab.inNs(lab.host, "iptables-save", "-t", "nat").contains("CNI-")) problem = "iptables changed";
                if (problem != null) failures.add(k.name() + ": " + problem + " (" + out + ")");
            }
            assertEquals(List.of(), failures);
        }
    }

    @Test
    void errorObjectCarriesTheConfigVersion() {
        try (Lab lab = new Lab(tmp)) {
            Lab.Outcome out = lab.run(Lab.env("ADD", "ctr", "/var/run/netns/nn-missing", "eth0"), lab.v4Conf("0.4.0", ""));
            assertEquals("0.4.0", out.json().get("cniVersion"));
            assertTrue(((String) out.json().get("details")).contains("nn-missing"), out::toString);
        }
    }
}
