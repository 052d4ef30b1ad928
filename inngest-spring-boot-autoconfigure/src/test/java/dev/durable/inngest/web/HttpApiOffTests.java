package dev.durable.inngest.web;

import dev.durable.inngest.engine.EngineTestApplication;
import dev.durable.inngest.testsupport.HttpApiClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With no signing key and no event key, the HTTP API is not there.
 */
@SpringBootTest(classes = EngineTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HttpApiOffTests {

	@LocalServerPort
	int port;

	@Test
	void withoutKeysTheApiIsOff() {
		HttpApiClient http = new HttpApiClient(this.port);
		assertThat(http.call("GET", "/inngest/v1/runs/01ANYRUN", "Bearer anything", null).status()).isEqualTo(404);
		assertThat(http.call("POST", "/inngest/v1/cancellations", "Bearer anything", "{}").status()).isEqualTo(404);
		assertThat(http.call("POST", "/inngest/e/anything", null, "{\"name\":\"test/x\"}").status()).isEqualTo(404);
	}

}
