// The fast lane's C interface (crates/userhash-ffi/src/lane.rs and lane/abi.rs), version 4:
// the project's own symbols for the hot calls, beside uniffi's generated ones. Hand-written, and
// checked against the library by every build that links it. Texts and conventions: lane.rs.
#ifndef USERHASH_LANE_H
#define USERHASH_LANE_H

#include <stddef.h>
#include <stdint.h>

/// The lane's protocol version (4).
uint32_t userhash_lane_version(void);
/// Calls of uniffi's generated exports of Signer, Verifier and Gate so far (the guard tests').
uint64_t userhash_lane_generated_calls(void);
/// Frees a handle from `laneHandle()`.
void userhash_lane_release(uint64_t handle);

// A text argument is a pointer and a byte length; a null pointer is an absent value. A small
// call's answer is a NUL-terminated text owned by the calling thread until its next lane call;
// `?` alone stands for a text holding a NUL, given whole (with its length) by
// userhash_lane_answer.
const uint8_t *userhash_lane_answer(size_t *out_len);

const char *userhash_lane_sign(uint64_t signer, const uint8_t *user_id, size_t user_id_len,
                               const uint8_t *email, size_t email_len);
const char *userhash_lane_batch_time(uint64_t signer);
const char *userhash_lane_verify(uint64_t verifier, const uint8_t *user_id, size_t user_id_len,
                                 const uint8_t *email, size_t email_len, const uint8_t *token,
                                 size_t token_len, const uint8_t *label, size_t label_len,
                                 uint64_t now, uint32_t has_now);
const char *userhash_lane_check(uint64_t gate, const uint8_t *user_id, size_t user_id_len,
                                const uint8_t *email, size_t email_len, const uint8_t *token,
                                size_t token_len, const uint8_t *label, size_t label_len,
                                uint64_t now, uint32_t has_now);
// email_verified: 0 absent, 1 false, 2 true; failures: 0 report, 1 raise.
const char *userhash_lane_payload(uint64_t signer, const uint8_t *user_id, size_t user_id_len,
                                  const uint8_t *email, size_t email_len, const uint8_t *platform,
                                  size_t platform_len, const uint8_t *name, size_t name_len,
                                  const uint8_t *account_id, size_t account_id_len,
                                  const uint8_t *nonce, size_t nonce_len,
                                  const uint8_t *extra_claims, size_t extra_claims_len,
                                  uint32_t email_verified, uint64_t expires_in,
                                  uint32_t has_expires_in, uint64_t at, uint32_t has_at,
                                  uint32_t failures);
const char *userhash_lane_payload_unknown_vendor(uint64_t signer, const uint8_t *vendor,
                                                 size_t vendor_len);

// A batch's answer is a buffer the caller owns, freed with userhash_lane_free.

uint8_t *userhash_lane_sign_packed(uint64_t signer, uint32_t fields, const uint8_t *data,
                                   size_t data_len, const uint8_t *lengths, size_t lengths_len,
                                   uint32_t max_threads, uint64_t at, uint32_t has_at,
                                   size_t *out_len);
uint8_t *userhash_lane_sign_lines(uint64_t signer, uint32_t fields, const uint8_t *lines,
                                  size_t lines_len, uint64_t count, uint32_t max_threads,
                                  uint64_t at, uint32_t has_at, size_t *out_len);
void userhash_lane_free(uint8_t *text, size_t len);

// Version 3: Arrow string columns through the Arrow C data interface (struct ArrowSchema and
// struct ArrowArray as the interface defines them; declared opaque here). A null schema leaves a
// field out; the tokens (and, when codes_* are not null, each failed row's code) are written as
// string columns the caller releases. The answer is empty, or `!<code> <message>`.
struct ArrowSchema;
struct ArrowArray;
const char *userhash_lane_sign_arrow(uint64_t signer, const struct ArrowSchema *user_id_schema,
                                     const struct ArrowArray *user_id_array,
                                     const struct ArrowSchema *email_schema,
                                     const struct ArrowArray *email_array, uint32_t max_threads,
                                     uint64_t at, uint32_t has_at,
                                     struct ArrowSchema *tokens_schema,
                                     struct ArrowArray *tokens_array,
                                     struct ArrowSchema *codes_schema,
                                     struct ArrowArray *codes_array);

#endif
