package dev.durable.inngest;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ReflectionHints;
import org.springframework.aot.hint.annotation.SimpleReflectiveProcessor;

/**
 * What a function or handler method needs at run time in a native image: to be invoked by
 * reflection, as the engine invokes it, and the types its {@link EventData} parameter is
 * bound to and its output written from, which Jackson reads and writes by reflection. The
 * annotations that declare functions name it through
 * {@link org.springframework.aot.hint.annotation.Reflective @Reflective}.
 */
class FunctionReflectiveProcessor extends SimpleReflectiveProcessor {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	protected void registerMethodHint(ReflectionHints hints, Method method) {
		super.registerMethodHint(hints, method);
		for (Parameter parameter : method.getParameters()) {
			if (parameter.isAnnotationPresent(EventData.class)) {
				this.bindings.registerReflectionHints(hints, parameter.getParameterizedType());
			}
		}
		if (method.getReturnType() != void.class) {
			this.bindings.registerReflectionHints(hints, method.getGenericReturnType());
		}
	}

}
