package dev.durable.inngest.function;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * Calls one annotated method of a bean, through the bean's proxy so that the user's
 * aspects still apply, with its arguments resolved from an {@link Invocation}.
 */
public final class FunctionInvoker {

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final List<Function<Invocation, @Nullable Object>> arguments;

	FunctionInvoker(String beanName, Object bean, Method method,
			List<Function<Invocation, @Nullable Object>> arguments) {
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		this.arguments = List.copyOf(arguments);
		ReflectionUtils.makeAccessible(method);
	}

	/**
	 * An invoker of a method that the starter defines itself rather than reads from an
	 * annotation, such as a function triggered by a system event.
	 * @param beanName the name of the bean the method belongs to
	 * @param bean the bean
	 * @param method the method
	 * @param arguments how each argument is resolved from an invocation
	 * @return the invoker
	 */
	public static FunctionInvoker of(String beanName, Object bean, Method method,
			List<Function<Invocation, @Nullable Object>> arguments) {
		return new FunctionInvoker(beanName, bean, method, arguments);
	}

	/**
	 * Calls the method.
	 * @param invocation what the arguments are resolved from
	 * @return what the method returned, or {@code null} for {@code void}
	 * @throws Throwable what the method threw, unwrapped
	 */
	public @Nullable Object invoke(Invocation invocation) throws Throwable {
		@Nullable Object[] args = new Object[this.arguments.size()];
		for (int i = 0; i < args.length; i++) {
			args[i] = this.arguments.get(i).apply(invocation);
		}
		try {
			return this.method.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getTargetException();
		}
	}

	/**
	 * The name of the bean the method belongs to.
	 * @return the bean name
	 */
	public String beanName() {
		return this.beanName;
	}

	/**
	 * The method.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	@Override
	public String toString() {
		return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName() + " (bean '"
				+ this.beanName + "')";
	}

}
