package dev.userhash.example.spring;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The Spring Boot example answering over HTTP, for {@code cargo xtask demo}: starts the
 * application on a free port of 127.0.0.1 (the secrets in the MESSENGER_* variables), then acts as
 * the browser and the messenger would: signs in, reads the payload from the page, calls the gated
 * API with Intercom's hash and with a tampered copy, and reads the gate's counts. Prints one line
 * per step; exits non-zero if any answer is not the expected one.
 */
public final class WebDemo {
    private static final Pattern PAYLOAD =
            Pattern.compile("<script type=\"application/json\" id=\"userhash-payload\">(.*?)</script>");
    private static final Pattern HASH = Pattern.compile("\"user_hash\":\"([0-9a-f]{64})\"");

    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    private final String base;
    private boolean ok = true;

    WebDemo(String base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        ConfigurableApplicationContext app = SpringApplication.run(MessengerApplication.class,
                "--server.port=0", "--server.address=127.0.0.1", "--logging.level.root=WARN");
        boolean ok;
        try {
            String port = app.getEnvironment().getProperty("local.server.port");
            ok = new WebDemo("http://127.0.0.1:" + port).run();
        } finally {
            app.close();
        }
        System.exit(ok ? 0 : 1);
    }

    /** The steps; whether every answer was the expected one. */
    boolean run() throws IOException, InterruptedException {
        HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/login?user=ada&email=ada@example.com")));
        Matcher found = PAYLOAD.matcher(page.body());
        String payload = found.find() ? found.group(1) : "";
        step("GET /login?user=ada, then the page", page.statusCode(), 200,
                "payload for " + (payload.contains("\"zendesk\"") && payload.contains("\"intercom\"") ? "intercom, zendesk" : "nobody"));
        Matcher hash = HASH.matcher(payload);
        String token = hash.find() ? hash.group(1) : "0".repeat(64);

        HttpResponse<String> me = send(HttpRequest.newBuilder(URI.create(base + "/me")).header("X-UserHash-Platform", "ios"));
        step("GET /me (X-UserHash-Platform: ios)", me.statusCode(), 200, me.body().length() + " bytes of payload, signed with the ios keys");

        HttpResponse<String> genuine = post("/api/messages", token);
        step("POST /api/messages, the page's hash", genuine.statusCode(), 200, genuine.body());

        String tampered = token.substring(0, 63) + (token.endsWith("0") ? "1" : "0");
        HttpResponse<String> denied = post("/api/messages", tampered);
        step("POST /api/messages, one character changed", denied.statusCode(), 401, denied.body());

        HttpResponse<String> missing = post("/api/messages", null);
        step("POST /api/messages, no hash", missing.statusCode(), 401, missing.body());

        HttpResponse<String> counts = send(HttpRequest.newBuilder(URI.create(base + "/admin/gate")));
        step("GET /admin/gate (the userhash.gate counter)", counts.statusCode(), 200, counts.body());
        return ok;
    }

    private HttpResponse<String> post(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("X-UserHash-Platform", "web")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"hello\"}"));
        if (token != null) {
            request.header("X-UserHash-Token", token);
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void step(String what, int status, int expected, String shown) {
        ok &= status == expected;
        String mark = status == expected ? "ok" : "UNEXPECTED (wanted " + expected + ")";
        System.out.println("spring example: " + what + " -> " + status + " " + shown + " [" + mark + "]");
    }
}
