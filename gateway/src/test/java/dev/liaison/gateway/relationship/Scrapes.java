package dev.liaison.gateway.relationship;

import dev.liaison.gateway.tls.TrustingClients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The JDK HttpClient against a gateway's HTTPS listener, and a reader of Prometheus text. */
final class Scrapes {

    private Scrapes() {
    }

    static HttpResponse<String> get(GatewayPair.Node node, String pathAndQuery) throws Exception {
        return send(node, HttpRequest.newBuilder(uri(node, pathAndQuery)).GET());
    }

    static HttpResponse<String> send(GatewayPair.Node node, HttpRequest.Builder request) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TrustingClients.trusting(node.gateway.tls().certificate()))
                .connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(GatewayPair.Node node, String pathAndQuery) {
        return URI.create("https://localhost:" + node.gateway.httpPort() + pathAndQuery);
    }

    /**
     * The sum of every sample of {@code metric} (the exact Prometheus name) whose labels contain all
     * of {@code labels} (e.g. {@code outcome="accepted"}); 0 when there is none.
     */
    static double value(String scrape, String metric, String... labels) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(metric + "{") || line.startsWith(metric + " "))) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            if (List.of(labels).stream().allMatch(series::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static boolean has(String scrape, String metric) {
        return scrape.lines().anyMatch(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "));
    }
}
