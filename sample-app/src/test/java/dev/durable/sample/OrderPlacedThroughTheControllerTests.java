package dev.durable.sample;

import java.time.Duration;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.test.InngestTest;
import dev.durable.inngest.test.InngestTestEnvironment;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import static dev.durable.inngest.test.InngestAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The event is sent by the application's controller, not by the test: its run waits,
 * queued, for the test's next call of the environment.
 */
@InngestTest(properties = "shop.demo-orders=false")
class OrderPlacedThroughTheControllerTests {

	@Autowired
	InngestTestEnvironment inngest;

	@Autowired
	WebApplicationContext context;

	@Test
	void anOrderPlacedThroughTheControllerIsProcessed() throws Exception {
		MockMvc mvc = MockMvcBuilders.webAppContextSetup(this.context).build();
		mvc.perform(post("/orders").contentType(MediaType.APPLICATION_JSON)
			.content("{\"sku\":\"mug\",\"quantity\":1,\"amount\":2400,\"paymentMethod\":\"pm_card_visa\"}"))
			.andExpect(status().isAccepted());
		assertThat(this.inngest.runsOf("process-order")).singleElement()
			.satisfies((run) -> assertThat(run).hasStatus(RunStatus.QUEUED));
		this.inngest.runUntilIdle();
		this.inngest.advance(Duration.ofMinutes(5));
		assertThat(this.inngest.runsOf("process-order")).singleElement()
			.satisfies((run) -> assertThat(run).isCompleted());
	}

}
