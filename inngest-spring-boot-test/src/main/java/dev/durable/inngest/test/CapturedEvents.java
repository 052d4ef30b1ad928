package dev.durable.inngest.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.durable.inngest.FunctionCancelledEvent;
import dev.durable.inngest.FunctionFailedEvent;

import org.springframework.context.event.EventListener;

/**
 * Keeps the Spring application events the engine publishes of runs that failed or were
 * cancelled, in the order published.
 */
final class CapturedEvents {

	private final List<Object> events = new CopyOnWriteArrayList<>();

	@EventListener
	void failed(FunctionFailedEvent event) {
		this.events.add(event);
	}

	@EventListener
	void cancelled(FunctionCancelledEvent event) {
		this.events.add(event);
	}

	<T> List<T> ofType(Class<T> type) {
		return this.events.stream().filter(type::isInstance).map(type::cast).toList();
	}

	void clear() {
		this.events.clear();
	}

}
