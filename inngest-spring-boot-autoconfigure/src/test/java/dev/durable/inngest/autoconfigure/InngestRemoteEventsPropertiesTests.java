package dev.durable.inngest.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which origins remote mode talks to, as the official SDKs choose them.
 */
class InngestRemoteEventsPropertiesTests {

	private final InngestRemoteEventsProperties properties = new InngestRemoteEventsProperties();

	@Test
	void byDefaultInngestCloudsOriginsAreUsed() {
		assertThat(this.properties.isDevMode()).isFalse();
		assertThat(this.properties.determineEventApiOrigin()).isEqualTo("https://inn.gs");
		assertThat(this.properties.determineApiOrigin()).isEqualTo("https://api.inngest.com");
	}

	@Test
	void devModeUsesTheLocalDevServer() {
		this.properties.setDev("true");
		assertThat(this.properties.isDevMode()).isTrue();
		assertThat(this.properties.determineEventApiOrigin()).isEqualTo("http://localhost:8288");
		assertThat(this.properties.determineApiOrigin()).isEqualTo("http://localhost:8288");
	}

	@Test
	void aDevServerUrlIsTheOriginOfBothApis() {
		this.properties.setDev("http://devserver:9999/");
		assertThat(this.properties.isDevMode()).isTrue();
		assertThat(this.properties.determineEventApiOrigin()).isEqualTo("http://devserver:9999");
		assertThat(this.properties.determineApiOrigin()).isEqualTo("http://devserver:9999");
	}

	@Test
	void devFalseIsCloud() {
		this.properties.setDev("0");
		assertThat(this.properties.isDevMode()).isFalse();
		assertThat(this.properties.determineEventApiOrigin()).isEqualTo("https://inn.gs");
	}

	@Test
	void theBaseUrlWinsOverTheDevServerAndEachOriginOverTheBaseUrl() {
		this.properties.setDev("true");
		this.properties.setBaseUrl("https://inngest.internal");
		assertThat(this.properties.determineApiOrigin()).isEqualTo("https://inngest.internal");
		this.properties.setEventApiOrigin("https://events.internal");
		assertThat(this.properties.determineEventApiOrigin()).isEqualTo("https://events.internal");
		assertThat(this.properties.determineApiOrigin()).isEqualTo("https://inngest.internal");
	}

}
