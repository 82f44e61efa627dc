package dev.userhash.ktor

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import com.fasterxml.jackson.databind.ObjectMapper
import dev.userhash.Enforcement
import dev.userhash.Identity
import dev.userhash.web.RequestGate
import dev.userhash.web.testing.Site
import io.ktor.server.application.Application
import io.ktor.server.application.install
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import io.ktor.server.netty.Netty
import io.ktor.server.netty.NettyApplicationEngine
import io.ktor.server.response.respondText
import io.ktor.server.routing.get
import io.ktor.server.routing.route
import io.ktor.server.routing.routing
import io.ktor.http.ContentType
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory

/**
 * The Ktor test site (the contract's endpoints) under Netty on a free port of 127.0.0.1: the
 * user in a cookie standing in for a session, the gate on `/api`, and everything logged kept in
 * a list for the leak checks.
 */
class KtorSite(mode: Enforcement?, configure: UserHashConfig.() -> Unit = {}) : AutoCloseable {
    private val server: EmbeddedServer<NettyApplicationEngine, NettyApplicationEngine.Configuration> =
        embeddedServer(Netty, port = 0, host = "127.0.0.1") { site(mode, configure) }.start(wait = false)

    /** The port the server listens on. */
    val port: Int = runBlocking { server.engine.resolvedConnectors().first().port }

    override fun close() = server.stop(100, 1_000)

    companion object {
        private val json = ObjectMapper()
        private val logged = ListAppender<ILoggingEvent>().also { appender ->
            appender.start()
            (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) as Logger).addAppender(appender)
        }

        /** Everything logged in this JVM so far, one message a line. */
        fun output(): String = synchronized(logged.list) { logged.list.joinToString("\n") { it.formattedMessage } }

        /** The site's application: userhash over the test config, and the contract's routes. */
        fun Application.site(mode: Enforcement?, configure: UserHashConfig.() -> Unit = {}) {
            install(UserHash) {
                config = Site.config()
                app = "site"
                env = "test"
                vendor = "intercom"
                enforcement = mode
                identity { call ->
                    call.request.cookies["site_user"]?.let { cookie ->
                        val (user, email) = cookie.split("\n", limit = 2).let { it[0] to it.getOrElse(1) { "" } }
                        Identity(userId = user.takeUnless { it == "-" }, email = email.ifEmpty { null })
                    }
                }
                configure()
            }
            routing {
                get("/test/login") {
                    val user = call.request.queryParameters["user"] ?: ""
                    val email = call.request.queryParameters["email"]
                    call.response.cookies.append("site_user", user + "\n" + (email ?: ""))
                    val body = mapOf("user_id" to user.takeUnless { it == "-" }, "email" to email)
                    call.respondText(json.writeValueAsString(body), ContentType.Application.Json)
                }
                route("/api") {
                    install(UserHashGate)
                    route("/echo") {
                        handle {
                            val outcome = call.userHashDecision?.let { RequestGate.outcomeName(it.outcome) }
                            call.respondText(json.writeValueAsString(mapOf("ok" to true, "outcome" to outcome)), ContentType.Application.Json)
                        }
                    }
                }
                get("/public") { call.respondText("{\"ok\": true}", ContentType.Application.Json) }
                get("/test/counts") {
                    call.respondText(json.writeValueAsString(call.application.userHash.counts()), ContentType.Application.Json)
                }
                get("/me") {
                    val payload = call.userHashPayload()
                    call.respondText("{\"userhash\": ${payload ?: "null"}}", ContentType.Application.Json)
                }
            }
        }
    }
}
