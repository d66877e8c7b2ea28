package io.github.sidecarchannels.rpc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Turns the calls of a {@link SidecarClient} proxy into JSON-RPC calls and notifications.
 */
final class ClientInvocationHandler implements InvocationHandler {

	private final Class<?> type;

	private final SidecarRpc rpc;

	private final ClientMethods methods;

	ClientInvocationHandler(Class<?> type, SidecarRpc rpc, ClientMethods methods) {
		this.type = type;
		this.rpc = rpc;
		this.methods = methods;
	}

	@Override
	public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
		ClientMethods.Call call = this.methods.get(method);
		if (call != null) {
			return invoke(call, params(args));
		}
		if (method.isDefault()) {
			return InvocationHandler.invokeDefault(proxy, method, args);
		}
		return switch (method.getName()) {
			case "equals" -> args != null && proxy == args[0];
			case "hashCode" -> System.identityHashCode(proxy);
			case "toString" ->
				"SidecarClient " + this.type.getName() + " of sidecar '" + this.rpc.sidecar().name() + "'";
			default -> throw new IllegalStateException("Unexpected method " + method);
		};
	}

	private @Nullable Object invoke(ClientMethods.Call call, @Nullable Object params) {
		ParameterizedTypeReference<Object> resultType = ParameterizedTypeReference.forType(call.resultType());
		return switch (call.kind()) {
			case NOTIFY -> {
				this.rpc.notify(call.name(), params);
				yield null;
			}
			case BLOCKING -> this.rpc.call(call.name(), params, resultType, call.timeout());
			case BLOCKING_VOID -> {
				this.rpc.call(call.name(), params, resultType, call.timeout());
				yield null;
			}
			case ASYNC -> {
				CompletableFuture<@Nullable Object> future = this.rpc.callAsync(call.name(), params, resultType,
						call.timeout());
				yield call.ignoresResult() ? withoutResult(future) : future;
			}
		};
	}

	/**
	 * Cancelling what the caller holds still cancels the call, and so tells the child.
	 */
	private static CompletableFuture<@Nullable Void> withoutResult(CompletableFuture<@Nullable Object> call) {
		CompletableFuture<@Nullable Void> result = call.thenApply((ignored) -> null);
		result.whenComplete((ignored, failure) -> {
			if (result.isCancelled()) {
				call.cancel(true);
			}
		});
		return result;
	}

	private static @Nullable Object params(@Nullable Object @Nullable [] args) {
		if (args == null || args.length == 0) {
			return null;
		}
		return (args.length == 1) ? args[0] : Arrays.asList(args);
	}

}
