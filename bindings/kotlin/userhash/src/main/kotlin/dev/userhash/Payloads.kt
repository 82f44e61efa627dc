package dev.userhash

/**
 * The entry of [vendor]: `payload["intercom"].token`. Throws
 * [UserHashException.ConfigUnknownVendor] when the payload has no such vendor.
 */
@Throws(UserHashException::class)
operator fun Payload.get(vendor: String): PayloadEntry = entry(vendor)
