package dev.durable.inngest.actuate;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fields a write to a section of the endpoint is allowed are those its operation
 * takes, so that none is refused that it reads, and none it ignores is let through.
 */
class EndpointFieldsTests {

	@Test
	void theBulkFieldsAreTheBulkOperationsParameters() {
		Method bulk = Arrays.stream(InngestEndpointWebExtension.class.getMethods())
			.filter((method) -> method.isAnnotationPresent(WriteOperation.class) && method.getName().equals("bulk"))
			.findFirst()
			.orElseThrow();
		assertThat(Arrays.stream(bulk.getParameters())
			.filter((parameter) -> !parameter.isAnnotationPresent(Selector.class))
			.map(Parameter::getName)).containsExactlyInAnyOrderElementsOf(InngestEndpointWebExtension.BULK_FIELDS);
	}

}
