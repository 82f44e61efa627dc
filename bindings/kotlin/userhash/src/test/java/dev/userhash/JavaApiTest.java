package dev.userhash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A plain Java server's view of the jar: the main entry points, with no Kotlin in sight. */
class JavaApiTest {
    private static final String MESSAGE_HASH = "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597";

    @Test
    void signsWithAPresetAndClosesWithTryWithResources() throws UserHashException {
        try (Scheme scheme = UserHash.scheme("intercom"); Signer signer = UserHash.signer(scheme, "secret")) {
            assertEquals(MESSAGE_HASH, UserHash.sign(signer, new Identity("Message", null)));
            assertEquals(MESSAGE_HASH, UserHash.signUserId(signer, "Message"));
            assertEquals("intercom", scheme.name());
            assertFalse(signer.fingerprint().isEmpty());
        }
        assertTrue(UserHash.presetNames().contains("helpshift"));
    }

    @Test
    void theDirectSignThrowsEachCauseAsItsOwnType() throws UserHashException {
        Signer signer = UserHash.signer(UserHash.scheme("help-scout"), "secret");
        assertEquals(UserHash.sign(signer, new Identity(null, "ada@example.com")), UserHash.signEmail(signer, "ada@example.com"));
        try {
            UserHash.signEmail(signer, "");
            fail("an empty email signed");
        } catch (UserHashException.EmptyField expected) {
            // declared by signEmail, so javac accepts the catch
        }
    }

    @Test
    void verifiesAgainstPerPlatformKeysAndGates() throws UserHashException {
        Scheme scheme = UserHash.scheme("intercom");
        Keyring keyring = UserHash.keyring(scheme).withKey("ios", "ios-secret").withKey("android", "android-secret");
        Identity user = new Identity("42", "ada@example.com");
        String token = UserHash.sign(keyring.signer("android"), user);

        Verifier verifier = UserHash.verifier(keyring);
        assertEquals("android", UserHash.verify(verifier, user, token).getLabel());
        assertEquals("android", UserHash.verify(verifier, user, token, "android").getLabel());

        Gate gate = UserHash.gate(verifier, Enforcement.ENFORCE);
        Decision allowed = UserHash.check(gate, user, token);
        assertTrue(allowed.getAllowed());
        assertEquals(Outcome.VERIFIED, allowed.getOutcome());
        Decision denied = UserHash.check(gate, user, null);
        assertFalse(denied.getAllowed());
        assertEquals(Outcome.MISSING, denied.getOutcome());

        Diagnosis diagnosis = UserHash.explainAt(verifier, user, token, 0L, "ios");
        assertFalse(diagnosis.getValid());
        assertEquals("wrong_key", diagnosis.getFindings().get(0).getCode());
    }

    @Test
    void timestampedSchemesTakeUnsignedLongSeconds() throws UserHashException {
        Scheme scheme = UserHash.scheme("subject=user_id,timestamp=suffix");
        long at = 1_741_761_700L;
        String token = UserHash.signAt(UserHash.signer(scheme, "secret"), new Identity("42", null), at);
        assertTrue(token.endsWith("-" + at), token);

        Verifier verifier = UserHash.verifier(UserHash.keyring(scheme).withKey("web", "secret"), UserHash.freshness(60, 5));
        Verified verified = UserHash.verifyAt(verifier, new Identity("42", null), token, at + 60);
        assertEquals(Long.valueOf(at), UserHash.timestamp(verified));
        try {
            UserHash.verifyAt(verifier, new Identity("42", null), token, at + 61);
            fail("a stale token verified");
        } catch (UserHashException.Expired expected) {
            assertEquals(ErrorCode.EXPIRED, UserHash.errorCode(expected));
        }
        // A negative window is refused with a typed error; it once wrapped to 2^64-1 seconds
        // and the verifier then accepted tokens of any age.
        Keyring keyring = UserHash.keyring(scheme).withKey("web", "secret");
        for (long[] window : new long[][] {{-1L, 5L}, {60L, -1L}, {2_592_001L, 5L}}) {
            try {
                UserHash.verifier(keyring, UserHash.freshness(window[0], window[1]));
                fail("freshness " + window[0] + "/" + window[1] + " made a verifier");
            } catch (UserHashException.InvalidFreshness expected) {
                assertEquals(ErrorCode.INVALID_FRESHNESS, UserHash.errorCode(expected));
            } catch (UserHashException e) {
                fail("wrong variant: " + e);
            }
        }
        // 2^64-1 seconds, spelled as a Java long: the whole u64 range is reachable.
        String last = UserHash.signAt(UserHash.signer(scheme, "secret"), new Identity("42", null), -1L);
        assertTrue(last.endsWith("-18446744073709551615"), last);
    }

    @Test
    void exceptionsAreCheckedAndTypedPerCause() {
        try {
            UserHash.scheme("no-such-vendor");
            fail("an unknown scheme parsed");
        } catch (UserHashException.UnknownScheme e) {
            assertEquals(ErrorCode.UNKNOWN_SCHEME, UserHash.errorCode(e));
        } catch (UserHashException e) {
            fail("wrong variant: " + e);
        }
        try {
            UserHash.signer(UserHash.scheme("intercom"), "");
            fail("an empty secret made a signer");
        } catch (UserHashException.EmptySecret e) {
            assertFalse(e.getMessage().isEmpty());
        } catch (UserHashException e) {
            fail("wrong variant: " + e);
        }
        try {
            List<BatchEntry> entries = UserHash.signer(UserHash.scheme("intercom"), "secret")
                    .signBatch(List.of(new Identity("Message", null), new Identity(null, null)));
            assertEquals(MESSAGE_HASH, entries.get(0).getToken());
            assertEquals("unidentified", UserHash.errorCodeName(entries.get(1).getErrorCode()));
        } catch (UserHashException e) {
            fail(e);
        }
    }

    @Test
    void buildsAConfigAndReturnsThePayloadJson() throws UserHashException {
        ConfigBuilder builder = UserHash.configBuilder()
            .vendor("acme", "production", "intercom", "intercom")
            .keySecret("web", "java-web-secret")
            .vendor("acme", "production", "crisp", "crisp")
            .keySecret("website", "java-crisp-secret")
            .allPlatforms("website");
        try (Config config = builder.build(); PayloadSigner signer = config.payloadSigner("acme", "production")) {
            Identity ada = new Identity("42", "ada@example.com");
            Payload payload = UserHash.payload(signer, ada, "web");
            assertTrue(payload.isComplete());
            assertEquals(UserHash.signUserId(UserHash.signer(UserHash.scheme("intercom"), "java-web-secret"), "42"),
                payload.token("intercom"));
            Payload at = UserHash.payload(signer, ada, "web", null, 1_760_000_000L, VendorFailures.RAISE);
            assertEquals(payload.toJson(), at.toJson());
            try {
                UserHash.payload(signer, new Identity("42", null), "web", null, null, VendorFailures.RAISE);
                fail("crisp signed without an email");
            } catch (UserHashException.MissingField expected) {
                // the vendor's failure, thrown because the caller chose RAISE
            }
        }
    }
}
