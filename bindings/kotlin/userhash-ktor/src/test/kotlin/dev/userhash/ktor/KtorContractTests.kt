package dev.userhash.ktor

import dev.userhash.Enforcement
import dev.userhash.web.testing.EnforceContract
import dev.userhash.web.testing.OffContract
import dev.userhash.web.testing.ReportContract

/** One site per gate mode, started the first time a test asks for it; they live as long as the test JVM. */
private object Sites {
    val enforce by lazy { KtorSite(Enforcement.ENFORCE) }
    val report by lazy { KtorSite(Enforcement.REPORT) }
    val off by lazy { KtorSite(Enforcement.OFF) }
}

/** The gate under enforce, over HTTP to the site under Netty (userhash-web's contract). */
class KtorEnforceTest : EnforceContract() {
    override fun port() = Sites.enforce.port

    override fun output() = KtorSite.output()
}

/** The gate under report, and the payload, over HTTP to the site under Netty. */
class KtorReportTest : ReportContract() {
    override fun port() = Sites.report.port

    override fun output() = KtorSite.output()
}

/** The gate under off, over HTTP to the site under Netty. */
class KtorOffTest : OffContract() {
    override fun port() = Sites.off.port

    override fun output() = KtorSite.output()
}
