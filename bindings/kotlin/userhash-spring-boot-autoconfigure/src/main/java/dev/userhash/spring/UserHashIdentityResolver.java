package dev.userhash.spring;

import dev.userhash.Identity;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/**
 * Who the request's user is, for the payload and the gate: an {@link Identity} (user id and/or
 * email), or {@code null} when nobody is logged in.
 *
 * <p>The auto-configured one takes the servlet principal's name (Spring Security's
 * authentication, or the container's) as the user id. Declare a bean of this type to map your
 * own users, e.g. with their email:
 *
 * <pre>
 * &#64;Bean
 * UserHashIdentityResolver identity(UserRepository users) {
 *     return request -&gt; users.current(request).map(u -&gt; new Identity(u.getId(), u.getEmail())).orElse(null);
 * }
 * </pre>
 */
@FunctionalInterface
public interface UserHashIdentityResolver {
    /** The request's user, or {@code null} for nobody. */
    Identity resolve(HttpServletRequest request);

    /** The principal's name as the user id; nobody without a principal. */
    static UserHashIdentityResolver principalName() {
        return request -> {
            Principal principal = request.getUserPrincipal();
            return principal == null ? null : new Identity(principal.getName(), null);
        };
    }
}
