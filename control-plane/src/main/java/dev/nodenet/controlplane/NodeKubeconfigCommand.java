package dev.nodenet.controlplane;

import dev.nodenet.api.cli.Flags;
import dev.nodenet.controlplane.server.ApiServer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./nodenet node-kubeconfig --node NAME}: issues a kubeconfig for a node identity ({@code system:node:NAME},
 * group {@code system:nodes}) with a client certificate signed by the API server's CA, for a node daemon to use.
 */
public final class NodeKubeconfigCommand {
    private NodeKubeconfigCommand() {}

    public static final String SUMMARY = "Issue a kubeconfig for a node identity (system:node:NAME) signed by the API server's CA";

    public static int run(String[] args, PrintStream out, PrintStream err) {
        Flags flags = new Flags("node-kubeconfig", SUMMARY + ".\nThe node may read Services, EndpointSlices, Endpoints, Nodes, Pods and Namespaces, "
                + "update its own Node and the status of Pods bound to it.");
        Flags.Flag<String> dataDir = flags.string("data-dir", ApiServerCommand.defaultDataDir().toString(), "The API server's --data-dir (holds pki/ca.key).");
        Flags.Flag<String> node = flags.string("node", "", "Node name (required).");
        Flags.Flag<String> output = flags.string("out", "", "Where to write the kubeconfig (default DATA-DIR/nodes/NAME.kubeconfig).");
        Flags.Flag<String> server = flags.string("server", "", "API server URL to put in the kubeconfig (default: the one in DATA-DIR/admin.kubeconfig).");
        try {
            if (!flags.parse(args)) {
                flags.usage(out);
                return 0;
            }
            if (node.get().isEmpty()) throw new Flags.UsageException("--node is required");
            if (!flags.positional().isEmpty()) throw new Flags.UsageException("unexpected argument: " + flags.positional().getFirst());
        } catch (Flags.UsageException e) {
            err.println("nodenet node-kubeconfig: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(dataDir.get());
        try {
            String url = server.get().isEmpty() ? serverOf(dir.resolve("admin.kubeconfig")) : server.get();
            Path file = output.get().isEmpty() ? dir.resolve("nodes").resolve(node.get() + ".kubeconfig") : Path.of(output.get());
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            ApiServer.writeNodeKubeconfig(dir, url, node.get(), file);
            out.println(file);
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("nodenet node-kubeconfig: " + e.getMessage());
            return 1;
        }
    }

    private static String serverOf(Path adminKubeconfig) throws IOException {
        if (!Files.exists(adminKubeconfig)) throw new IOException(adminKubeconfig + " does not exist: start ./nodenet apiserver with this --data-dir once, or pass --server");
        Matcher m = Pattern.compile("(?m)^\\s*server:\\s*(\\S+)\\s*$").matcher(Files.readString(adminKubeconfig));
        if (!m.find()) throw new IOException(adminKubeconfig + " names no server; pass --server");
        return m.group(1);
    }
}
