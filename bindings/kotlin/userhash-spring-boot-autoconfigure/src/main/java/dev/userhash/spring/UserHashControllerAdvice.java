package dev.userhash.spring;

import dev.userhash.web.UnknownPlatformException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every controller of the application gets from userhash:
 *
 * <ul>
 *   <li>the model attribute {@code userhash}, the {@link UserHashPayload} bean, so a template
 *       renders the current user's payload with
 *       {@code <th:block th:utext="${userhash.scriptElement()}"/>} (nothing is signed unless the
 *       template asks);</li>
 *   <li>a payload asked for a platform that no configured vendor has keys for answered with 400
 *       and {@code {"error": "unknown platform"}}, as every userhash integration does; the
 *       platform, which came from the request, is not echoed.</li>
 * </ul>
 */
@ControllerAdvice
public class UserHashControllerAdvice {
    /** The name of the model attribute. */
    public static final String MODEL_ATTRIBUTE = "userhash";

    private final UserHashPayload payload;

    /** Offers {@code payload} to every model. */
    public UserHashControllerAdvice(UserHashPayload payload) {
        this.payload = payload;
    }

    /** The payload bean, as the model attribute {@value #MODEL_ATTRIBUTE}. */
    @ModelAttribute(MODEL_ATTRIBUTE)
    public UserHashPayload userhash() {
        return payload;
    }

    /** The 400 answer. */
    @ExceptionHandler(UnknownPlatformException.class)
    public ResponseEntity<String> unknownPlatform(UnknownPlatformException error) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .contentType(MediaType.APPLICATION_JSON)
                .body(UnknownPlatformException.BODY);
    }
}
