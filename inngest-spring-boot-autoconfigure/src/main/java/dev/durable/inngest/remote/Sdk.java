package dev.durable.inngest.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * How this SDK names itself to the Inngest platform: in the {@code X-Inngest-SDK} header
 * of every request and answer, and in the {@code sdk} of what it syncs.
 */
public final class Sdk {

	/** The SDK's name. */
	public static final String NAME = "inngest-spring-boot";

	/** The SDK's version, as built. */
	public static final String VERSION = readVersion();

	/** {@code <name>:v<version>}, the value of the {@code X-Inngest-SDK} header. */
	public static final String ID = NAME + ":v" + VERSION;

	/** The framework, as the platform shows it. */
	public static final String FRAMEWORK = "springboot";

	/** The SDK's language. */
	public static final String LANGUAGE = "java";

	/** The execution version this SDK answers with ({@code X-Inngest-Req-Version}). */
	public static final String REQUEST_VERSION = "2";

	private Sdk() {
	}

	private static String readVersion() {
		try (InputStream in = Sdk.class.getResourceAsStream("sdk.properties")) {
			if (in == null) {
				throw new IllegalStateException("sdk.properties is missing beside " + Sdk.class.getName());
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty("version");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
