package dev.durable.inngest.autoconfigure;

import java.io.InputStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata that IDEs read: every property described, and value hints
 * where a property takes one of a few values.
 */
class ConfigurationMetadataTests {

	private static JsonNode metadata() throws Exception {
		try (InputStream in = ConfigurationMetadataTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return JsonMapper.shared().readTree(in);
		}
	}

	@Test
	void everyPropertyOfTheStarterHasADescription() throws Exception {
		JsonNode properties = metadata().get("properties");
		assertThat(properties.valueStream().filter((p) -> p.get("sourceType").asString().startsWith("dev.durable")))
			.isNotEmpty()
			.allSatisfy((property) -> assertThat(property.path("description").asString())
				.as(property.get("name").asString())
				.isNotBlank());
	}

	@Test
	void theSchemasPlatformHasItsValuesHinted() throws Exception {
		JsonNode hint = metadata().get("hints")
			.valueStream()
			.filter((h) -> h.get("name").asString().equals("inngest.local.schema.platform"))
			.findFirst()
			.orElseThrow();
		assertThat(hint.get("values").valueStream().map((v) -> v.get("value").asString())).containsExactly("h2",
				"postgresql");
	}

	@Test
	void theEndpointsPropertiesAreDescribed() throws Exception {
		assertThat(metadata().get("properties").valueStream().map((p) -> p.get("name").asString()))
			.contains("management.endpoint.inngest.show-values", "management.endpoint.inngest.roles");
	}

}
