package dev.durable.inngest.test;

import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read for the properties of {@code @InngestTest}.
 */
class ConfigurationMetadataTests {

	@Test
	void theEngineTimeoutIsDescribedWithItsDefault() throws Exception {
		List<JsonNode> properties = new ArrayList<>();
		for (URL url : Collections
			.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonMapper.shared().readTree(in).path("properties").forEach(properties::add);
			}
		}
		assertThat(properties).filteredOn((p) -> p.get("name").asString().equals("inngest.test.engine-timeout"))
			.singleElement()
			.satisfies((property) -> {
				assertThat(property.get("type").asString()).isEqualTo("java.time.Duration");
				assertThat(property.get("defaultValue").asString()).isEqualTo("2m");
				assertThat(property.get("description").asString()).contains("InngestTestEnvironment");
			});
	}

}
