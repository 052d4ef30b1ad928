package dev.durable.inngest.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The official Inngest JavaScript SDK, at the version pinned in {@code src/test/js},
 * installed from the npm registry into {@code target/js-reference} on first use, serving
 * a script of {@code src/test/js} on a free port of the loopback address. Tests are
 * skipped where Node.js and npm are not installed.
 */
public final class JsReference implements AutoCloseable {

	private static final Path SOURCES = Path.of("src", "test", "js");

	private static final Path INSTALL = Path.of("target", "js-reference");

	private final Process process;

	private final int port;

	private final List<String> output;

	private JsReference(Process process, int port, List<String> output) {
		this.process = process;
		this.port = port;
		this.output = output;
	}

	/**
	 * Starts a script and waits until it prints {@code listening}.
	 * @param script the script's file name in {@code src/test/js}
	 * @param environment what the script reads from its environment, besides {@code PORT}
	 * @return the running script; close it after the test
	 */
	public static JsReference start(String script, Map<String, String> environment) throws Exception {
		install();
		int port = freePort();
		ProcessBuilder builder = new ProcessBuilder("node", script).directory(INSTALL.toFile())
			.redirectErrorStream(true);
		builder.environment().putAll(environment);
		builder.environment().put("PORT", Integer.toString(port));
		Process process = builder.start();
		List<String> output = new ArrayList<>();
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			output.add(line);
			if (line.equals("listening")) {
				return new JsReference(process, port, output);
			}
		}
		process.destroyForcibly();
		throw new IllegalStateException("node " + script + " ended before it listened: " + output);
	}

	private static synchronized void install() throws Exception {
		assumeTrue(onPath("node") && onPath("npm"), "Node.js and npm are not installed");
		Files.createDirectories(INSTALL);
		// The test JVMs of a build share the installation: one installs it while the
		// others
		// wait, and none rewrites a script that another may be running.
		try (FileChannel lock = FileChannel.open(INSTALL.resolve("install.lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE); FileLock held = lock.lock()) {
			try (var files = Files.list(SOURCES)) {
				for (Path file : files.toList()) {
					Path installed = INSTALL.resolve(file.getFileName());
					if (!Files.exists(installed) || Files.mismatch(file, installed) != -1) {
						Files.copy(file, installed, StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
			if (!Files.isDirectory(INSTALL.resolve("node_modules/inngest"))) {
				npmCi();
			}
		}
	}

	private static void npmCi() throws Exception {
		Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
			.directory(INSTALL.toFile())
			.redirectErrorStream(true)
			.redirectOutput(INSTALL.resolve("npm-ci.log").toFile())
			.start();
		if (!npm.waitFor(Duration.ofMinutes(5).toSeconds(), TimeUnit.SECONDS) || npm.exitValue() != 0) {
			npm.destroyForcibly();
			throw new IllegalStateException(
					"npm ci of the JavaScript reference failed; see " + INSTALL.resolve("npm-ci.log"));
		}
	}

	/**
	 * Whether a command is on the path.
	 * @param command the command
	 * @return whether it is
	 */
	public static boolean onPath(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String directory : path.split(java.io.File.pathSeparator)) {
			if (Files.isExecutable(Path.of(directory, command))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A port free on the loopback address.
	 * @return the port
	 */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Where the script serves.
	 * @param path the path
	 * @return {@code http://127.0.0.1:<port><path>}
	 */
	public String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	@Override
	public String toString() {
		return "JsReference" + this.output;
	}

}
