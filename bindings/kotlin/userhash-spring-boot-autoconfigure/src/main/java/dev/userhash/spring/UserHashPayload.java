package dev.userhash.spring;

import dev.userhash.web.PayloadSource;
import dev.userhash.web.PayloadSourceKt;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The current user's payload — every configured vendor's token for the request's user, each
 * signed with the key of the request's platform — for controllers and templates. One bean for
 * the application; each method reads the current request (or takes it), so it can be injected
 * anywhere.
 *
 * <pre>
 * &#64;GetMapping(value = "/me", produces = "application/json")
 * String me(UserHashPayload payload) { ... payload.json() ... }
 * </pre>
 *
 * <p>In a Thymeleaf page (every model has it as {@code userhash}):
 * {@code <th:block th:utext="${userhash.scriptElement()}"/>} renders {@code <script type="application/json" id="userhash-payload">...</script>}, escaped
 * so that no user data can end the element. The platform is the request's
 * {@code X-UserHash-Platform} header (as {@code userhash.platform-header} names it), else
 * {@code userhash.platform}. A platform that no vendor has keys for throws
 * {@link dev.userhash.web.UnknownPlatformException}, which the auto-configuration answers with
 * 400 {@code {"error": "unknown platform"}}; a vendor that lacks it alone reports so in its slot.
 */
public class UserHashPayload {
    /** The request attribute caching the payload per platform. */
    private static final String CACHE = UserHashPayload.class.getName() + ".";

    private final PayloadSource source;
    private final UserHashIdentityResolver identities;

    /** Signs with {@code source} for the users {@code identities} finds. */
    public UserHashPayload(PayloadSource source, UserHashIdentityResolver identities) {
        this.source = source;
        this.identities = identities;
    }

    /** The current request's user's payload as JSON, or {@code null} when nobody is logged in. */
    public String json() {
        return json(currentRequest());
    }

    /** {@code request}'s user's payload as JSON, or {@code null} for nobody; made once per request. */
    public String json(HttpServletRequest request) {
        String platform = request.getHeader(source.getSettings().getPlatformHeader());
        String key = CACHE + (platform == null ? "" : platform);
        Object cached = request.getAttribute(key);
        if (cached instanceof Payload found) {
            return found.json;
        }
        String json = source.payloadJson(identities.resolve(request), platform);
        request.setAttribute(key, new Payload(json));
        return json;
    }

    /** The payload for the current request as a {@code <script type="application/json">} element; empty for nobody. */
    public String scriptElement() {
        return scriptElement(null);
    }

    /** {@link #scriptElement()} carrying a CSP {@code nonce}. */
    public String scriptElement(String nonce) {
        String json = json();
        return json == null ? "" : PayloadSourceKt.scriptElement(json, PayloadSourceKt.DEFAULT_ELEMENT_ID, nonce);
    }

    private static HttpServletRequest currentRequest() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        if (attributes instanceof ServletRequestAttributes servlet) {
            return servlet.getRequest();
        }
        throw new IllegalStateException("UserHashPayload.json() needs a current HTTP request; outside one, pass the request");
    }

    /** A cached payload (its JSON may be null: nobody). */
    private record Payload(String json) {}
}
