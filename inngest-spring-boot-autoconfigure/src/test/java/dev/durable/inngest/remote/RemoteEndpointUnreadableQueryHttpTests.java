package dev.durable.inngest.remote;

import dev.durable.inngest.remote.app.RemoteTestApplication;
import dev.durable.inngest.testsupport.HttpApiClient;
import dev.durable.inngest.testsupport.HttpApiClient.Answer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Remote mode's {@code inngest} Actuator endpoint over real HTTP, under a servlet context
 * path, refusing a query string the servlet container cannot read with an error that
 * names it.
 */
@SpringBootTest(classes = RemoteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "inngest.mode=remote", "inngest.dev=http://127.0.0.1:1", "inngest.app-id=orders",
				"inngest.sync.on-startup=false", "server.servlet.context-path=/shop",
				"management.endpoints.web.exposure.include=inngest",
				"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration" })
class RemoteEndpointUnreadableQueryHttpTests {

	@LocalServerPort
	int port;

	@Test
	void anUnreadableQueryIsRefusedWithAnErrorNamingItAndAReadableOneAnswered() {
		HttpApiClient http = new HttpApiClient(this.port);
		Answer refused = http.call("GET", "/shop/actuator/inngest?=x", null, null);
		assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
		assertThat(refused.json().get("error").asString())
			.isEqualTo("The query string cannot be read as parameters: '=x'");
		Answer described = http.call("GET", "/shop/actuator/inngest?verbose=true", null, null);
		assertThat(described.status()).as(described.toString()).isEqualTo(200);
		assertThat(described.json().get("mode").asString()).isEqualTo("remote");
	}

}
