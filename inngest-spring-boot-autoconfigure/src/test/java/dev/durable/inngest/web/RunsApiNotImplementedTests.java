package dev.durable.inngest.web;

import java.lang.reflect.Proxy;
import java.time.Clock;

import dev.durable.inngest.InngestRuns;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * An {@link InngestRuns} that does not offer a method has the runs API answer {@code 501}
 * with its reason, on every route that calls it.
 */
class RunsApiNotImplementedTests {

	private static final String KEY = "signkey-test-12345678";

	private final InngestRuns offersNothing = (InngestRuns) Proxy.newProxyInstance(getClass().getClassLoader(),
			new Class<?>[] { InngestRuns.class }, (proxy, method, args) -> {
				throw new UnsupportedOperationException(method.getName() + " is not offered here");
			});

	private final MockMvc mvc = MockMvcBuilders
		.routerFunctions(new RunsApi(this.offersNothing, "app", KEY, null, Clock.systemUTC(), JsonMapper.shared())
			.routes("/inngest"))
		.build();

	@Test
	void aMethodTheRunsDoNotOfferIsNotImplemented() throws Exception {
		String[][] calls = { { "/inngest/v1/runs/01R/timeline", "timeline" }, { "/inngest/v1/stats", "stats" },
				{ "/inngest/v1/replays", "replays" }, { "/inngest/v1/cancellations/01C", "findCancellation" },
				{ "/inngest/v1/events/01E/runs", "runsOf" } };
		for (String[] call : calls) {
			this.mvc.perform(get(call[0]).header("Authorization", "Bearer " + KEY))
				.andExpect(status().isNotImplemented())
				.andExpect(jsonPath("$.error").value(call[1] + " is not offered here"))
				.andExpect(jsonPath("$.status").value(501));
		}
	}

}
