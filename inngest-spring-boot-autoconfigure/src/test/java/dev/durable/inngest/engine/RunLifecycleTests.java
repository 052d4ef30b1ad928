package dev.durable.inngest.engine;

import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

import dev.durable.inngest.RunStatus;
import dev.durable.inngest.engine.RunLifecycle.StepTransition;
import dev.durable.inngest.engine.RunLifecycle.Transition;
import dev.durable.inngest.engine.store.RunStore;
import dev.durable.inngest.engine.store.StepStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The table of a run's and a step's transitions is whole: every state is reached, the
 * final states have no exit, and the store has a method for every transition and a
 * transition for every method that changes a state.
 */
class RunLifecycleTests {

	/** The run store's methods that read, or lock, and change no state. */
	private static final Set<String> READS = Set.of("findDue", "findUnstarted", "findRunningStartedBefore", "storeStep",
			"leaseExpiry", "list", "findUnended", "find", "eventKey", "countByFunction", "countUnendedByFunction",
			"backlog", "lock");

	@Test
	void everyRunStateIsReachedFromACreatedRun() {
		Set<RunStatus> reached = EnumSet.noneOf(RunStatus.class);
		Deque<RunStatus> next = new ArrayDeque<>();
		for (Transition transition : Transition.values()) {
			if (transition.from().isEmpty()) {
				next.addAll(transition.to());
			}
		}
		while (!next.isEmpty()) {
			RunStatus status = next.pop();
			if (reached.add(status)) {
				Arrays.stream(Transition.values())
					.filter((transition) -> transition.from().contains(status))
					.forEach((transition) -> next.addAll(transition.to()));
			}
		}
		assertThat(reached).containsExactlyInAnyOrder(RunStatus.values());
	}

	@Test
	void onlyTheFinalRunStatesHaveNoExit() {
		for (RunStatus status : RunStatus.values()) {
			boolean hasExit = Arrays.stream(Transition.values())
				.anyMatch((transition) -> transition.from().contains(status));
			assertThat(hasExit).as("%s has an exit", status).isEqualTo(!status.isFinal());
		}
	}

	@Test
	void aCancellationLeavesEveryStateThatHasNotEnded() {
		Set<RunStatus> unended = Arrays.stream(RunStatus.values())
			.filter((status) -> !status.isFinal())
			.collect(Collectors.toSet());
		assertThat(Transition.CANCEL.from()).isEqualTo(unended);
	}

	@Test
	void everyStepStateIsReachedAndOnlyTheEndedOnesHaveNoExit() {
		Set<StepStatus> reached = EnumSet.noneOf(StepStatus.class);
		Set<StepStatus> left = EnumSet.noneOf(StepStatus.class);
		for (StepTransition transition : StepTransition.values()) {
			reached.addAll(transition.to());
			left.addAll(transition.from());
		}
		assertThat(reached).containsExactlyInAnyOrder(StepStatus.values());
		assertThat(EnumSet.complementOf(EnumSet.copyOf(left))).containsExactlyInAnyOrder(StepStatus.COMPLETED,
				StepStatus.FAILED, StepStatus.CANCELLED);
	}

	@Test
	void everyTransitionIsStoredByARunStoreMethod() {
		Set<String> methods = Arrays.stream(RunStore.class.getMethods())
			.map(Method::getName)
			.collect(Collectors.toSet());
		for (Transition transition : Transition.values()) {
			assertThat(transition.storedBy()).as("the store methods of %s", transition).isNotEmpty();
			assertThat(methods).as("the store methods of %s", transition).containsAll(transition.storedBy());
		}
	}

	@Test
	void everyRunStoreMethodThatChangesAStateStoresATransition() {
		Set<String> stored = new HashSet<>();
		Arrays.stream(Transition.values()).forEach((transition) -> stored.addAll(transition.storedBy()));
		for (Method method : RunStore.class.getMethods()) {
			if (!READS.contains(method.getName())) {
				assertThat(stored).as("a transition stored by RunStore.%s", method.getName())
					.contains(method.getName());
			}
		}
	}

	@Test
	void aSuspensionReachesOnlyTheStatesOfASuspendedRun() {
		assertThat(Transition.SUSPEND.requireTarget(RunStatus.SLEEPING)).isEqualTo(RunStatus.SLEEPING);
		assertThatIllegalArgumentException().isThrownBy(() -> Transition.SUSPEND.requireTarget(RunStatus.COMPLETED))
			.withMessageContaining("suspend to COMPLETED");
		assertThatIllegalArgumentException().isThrownBy(() -> Transition.SUSPEND.requireTarget(RunStatus.RUNNING));
	}

}
