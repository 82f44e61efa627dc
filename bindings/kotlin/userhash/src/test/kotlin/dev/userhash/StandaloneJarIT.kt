package dev.userhash

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.TimeUnit
import java.util.jar.JarFile
import javax.tools.ToolProvider

/**
 * The packaged jar, copied alone with its runtime dependencies (JNA and the Kotlin standard
 * library) into an empty directory, used by a plain Java program in a fresh JVM: no build
 * directories, no `jna.library.path`, no `java.library.path`, nothing on LD_LIBRARY_PATH.
 * Runs under Failsafe, after `package`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StandaloneJarIT {
    private fun property(name: String) = Paths.get(System.getProperty(name) ?: error("run through Maven: $name is unset"))

    private lateinit var dir: Path
    private lateinit var classpath: String

    // The second line: whether the fast lane (Lane, internal but public to Java) is bound,
    // whether it signs the same, and how many libraries JNA extracted (JNA's dispatch library and
    // ours when loaded from the jar: the JNI path must not load a second copy).
    private val program = """
        import dev.userhash.*;
        import java.nio.file.*;

        public class Smoke {
            public static void main(String[] args) throws Exception {
                Signer signer = UserHash.signer(UserHash.scheme("intercom"), "secret");
                String token = UserHash.sign(signer, new Identity("Message", null));
                Verifier verifier = UserHash.verifier(UserHash.keyring(UserHash.scheme("intercom")).withKey("web", "secret"));
                System.out.println(token + " " + UserHash.verify(verifier, new Identity("Message", null), token).getLabel());
                long extracted = Files.readAllLines(Paths.get("/proc/self/maps")).stream()
                    .map(line -> line.split("\\s+", 6)).filter(fields -> fields.length == 6)
                    .map(fields -> fields[5]).filter(path -> path.matches(".*/jna-?[0-9]+\\.tmp( \\(deleted\\))?"))
                    .distinct().count();
                System.out.println("direct " + Lane.available + " " + UserHash.signUserId(signer, "Message").equals(token)
                    + " extracted " + extracted);
            }
        }
    """.trimIndent()

    private val token = "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597"

    @BeforeAll
    fun `copy the jar and its runtime dependencies alone, and compile a Java program against them`() {
        val scratch = property("userhash.scratch").toFile()
        scratch.deleteRecursively()
        dir = Files.createDirectories(scratch.toPath().resolve("app"))
        val jars = listOf(property("userhash.jar").toFile()) +
            property("userhash.runtimeDependencies").toFile().listFiles()!!.filter { it.name.endsWith(".jar") }
        assertTrue(jars.any { it.name.startsWith("jna-") }, "JNA is a runtime dependency: $jars")
        classpath = jars.joinToString(File.pathSeparator) { it.copyTo(dir.resolve("lib/${it.name}").toFile()).name.let { name -> "lib/$name" } }
        val source = dir.resolve("Smoke.java")
        Files.writeString(source, program)
        val javac = ToolProvider.getSystemJavaCompiler() ?: error("no javac: run the tests on a JDK")
        val absolute = classpath.split(File.pathSeparator).joinToString(File.pathSeparator) { dir.resolve(it).toString() }
        assertEquals(0, javac.run(null, null, null, "-cp", absolute, "-d", dir.toString(), source.toString()))
    }

    private fun java(vararg options: String): Pair<Int, String> {
        val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
        val command = listOf(java, *options, "-cp", ".${File.pathSeparator}$classpath", "Smoke")
        val process = ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
            .apply { environment().keys.removeAll(listOf("LD_LIBRARY_PATH", "XDG_CACHE_HOME")) }.start()
        val output = process.inputStream.bufferedReader().readText()
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "the JVM did not exit: $output")
        return process.exitValue() to output.trim()
    }

    @Test
    fun `the jar carries the native library where JNA looks for it`() {
        JarFile(property("userhash.jar").toFile()).use { jar ->
            assertNotNull(jar.getEntry("linux-x86-64/libuserhash_ffi.so"), "no linux-x86-64/libuserhash_ffi.so in the jar")
            assertNotNull(jar.getEntry("dev/userhash/Signer.class"))
            assertEquals("dev.userhash", jar.manifest.mainAttributes.getValue("Automatic-Module-Name"))
        }
    }

    @Test
    fun `a fresh JVM loads it from the classpath with no flags`() {
        assertEquals(0 to "$token web\ndirect true true extracted 2", java())
    }

    @Test
    fun `jna_tmpdir is where the library is extracted when the defaults are unusable`() {
        // JNA extracts to ~/.cache/JNA/temp, or to java.io.tmpdir when that cannot be written (a
        // service account without a home): here neither works, as with a noexec /tmp.
        val unusable = arrayOf("-Duser.home=/dev/null", "-Djava.io.tmpdir=${dir.resolve("no-such-dir")}")
        val (failed, error) = java(*unusable)
        assertTrue(failed != 0 && "UnsatisfiedLinkError" in error, error)
        val (code, output) = java(*unusable, "-Djna.tmpdir=${dir.resolve("jna-tmp")}")
        assertEquals(0 to "$token web\ndirect true true extracted 2", code to output)
    }

    @Test
    fun `libraryOverride loads the library from an explicit path`() {
        val library = dir.resolve("native/libuserhash_ffi.so")
        Files.createDirectories(library.parent)
        JarFile(property("userhash.jar").toFile()).use { jar ->
            jar.getInputStream(jar.getEntry("linux-x86-64/libuserhash_ffi.so")).use { Files.copy(it, library) }
        }
        val (code, output) = java("-Duniffi.component.userhash.libraryOverride=$library")
        assertEquals(0 to "$token web\ndirect true true extracted 1", code to output)
        // And it is the override that is loaded: a wrong path fails even with the jar at hand.
        val (missing, error) = java("-Duniffi.component.userhash.libraryOverride=${dir.resolve("native/nothing.so")}")
        assertTrue(missing != 0 && "nothing.so" in error, error)
    }
}
