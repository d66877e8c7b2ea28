package io.github.sidecarchannels.rpc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.sidecarchannels.core.Sidecar;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;

/**
 * JSON-RPC 2.0 with the child of a {@code json-rpc} sidecar: the bean
 * {@code sidecar.NAME.rpc}.
 * <p>
 * Calls carry ids, so responses may arrive in any order and each goes to its own caller;
 * a response whose id matches no waiting call is counted
 * ({@code sidecar.errors{type=unmatched}}) and reported on the errors channel, never
 * handed to another caller. {@code params} may be {@code null} (no {@code params}
 * member), a {@link java.util.Map}, a record or other object (by-name), a
 * {@link java.util.List} or array (by-position) or a Jackson {@code JsonNode}; results
 * are bound with the application's {@code JsonMapper} to any type Jackson can bind,
 * {@code JsonNode} included.
 * <p>
 * Failures: an error response raises {@link JsonRpcErrorException}; the child's death
 * {@link io.github.sidecarchannels.core.SidecarExitedException}; no response in time
 * {@link io.github.sidecarchannels.core.SidecarTimeoutException}; params that cannot be
 * written as JSON, or a sidecar that is not running,
 * {@link org.springframework.messaging.MessageDeliveryException}; a result that cannot be
 * bound {@link org.springframework.messaging.converter.MessageConversionException}.
 * <p>
 * The child's calls and notifications are answered by {@link SidecarRpcHandler} beans or
 * by handlers registered here; notifications without a handler arrive on
 * {@code sidecar.NAME.inbound} as a {@code Message<JsonNode>} of their params with the
 * header {@link #METHOD_HEADER}.
 */
public interface SidecarRpc {

	/**
	 * Header on notifications delivered to the inbound channel: the notification's
	 * method.
	 */
	String METHOD_HEADER = "jsonrpc_method";

	/**
	 * @return the sidecar this talks to
	 */
	Sidecar sidecar();

	/**
	 * Call the child and wait for the result, at most the sidecar's
	 * {@code request-timeout}.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @return the result
	 */
	<T> @Nullable T call(String method, @Nullable Object params, Class<T> resultType);

	/**
	 * Call the child and wait for the result.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @param timeout the most time to wait, for queueing and the response together
	 * @return the result
	 */
	<T> @Nullable T call(String method, @Nullable Object params, Class<T> resultType, Duration timeout);

	/**
	 * Call the child and wait for the result, at most the sidecar's
	 * {@code request-timeout}.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to, e.g. {@code new
	 * ParameterizedTypeReference<List<Tool>>() {}}
	 * @return the result
	 */
	<T> @Nullable T call(String method, @Nullable Object params, ParameterizedTypeReference<T> resultType);

	/**
	 * Call the child and wait for the result.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @param timeout the most time to wait, for queueing and the response together
	 * @return the result
	 */
	<T> @Nullable T call(String method, @Nullable Object params, ParameterizedTypeReference<T> resultType,
			Duration timeout);

	/**
	 * Call the child without waiting, with the sidecar's {@code request-timeout}.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @return the future result (see {@link #callAsync(String, Object, Class, Duration)})
	 */
	<T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params, Class<T> resultType);

	/**
	 * Call the child without waiting. Blocks only while {@code max-in-flight} calls are
	 * outstanding or the outbound buffer is full (at most {@code timeout}). The future
	 * completes on the sidecar's reading thread: do not block in stages chained to it
	 * (use the {@code *Async} stage methods). Cancelling the future frees its slot at
	 * once and, with {@code json-rpc.cancellation} set, tells the child; so does a
	 * timeout.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @param timeout the most time until the response
	 * @return the future result, or one of the failures listed on this interface
	 */
	<T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params, Class<T> resultType,
			Duration timeout);

	/**
	 * Call the child without waiting; see
	 * {@link #callAsync(String, Object, Class, Duration)}.
	 * @param <T> the result type
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @param resultType what to bind the result to
	 * @param timeout the most time until the response
	 * @return the future result
	 */
	<T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params,
			ParameterizedTypeReference<T> resultType, Duration timeout);

	/**
	 * Send a notification: no id, no response. Blocks while the outbound buffer is full.
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @throws org.springframework.messaging.MessageDeliveryException if it cannot be sent
	 */
	void notify(String method, @Nullable Object params);

	/**
	 * Answer the child's requests {@code method}.
	 * @param <P> the params type
	 * @param method the method
	 * @param paramsType what to bind {@code params} to ({@code JsonNode} for the raw
	 * JSON)
	 * @param handler returns the result (may be a {@code CompletableFuture}); runs on the
	 * handler threads
	 * @throws IllegalStateException if the method already has a handler
	 */
	<P> void handle(String method, Class<P> paramsType, Function<@Nullable P, ?> handler);

	/**
	 * Receive the child's notifications {@code method} instead of the inbound channel.
	 * @param <P> the params type
	 * @param method the method
	 * @param paramsType what to bind {@code params} to ({@code JsonNode} for the raw
	 * JSON)
	 * @param handler runs on the handler threads
	 * @throws IllegalStateException if the notification already has a handler
	 */
	<P> void onNotification(String method, Class<P> paramsType, Consumer<@Nullable P> handler);

	/**
	 * Register every {@link JsonRpcMethod} and {@link JsonRpcNotification} method of an
	 * object, as is done for {@link SidecarRpcHandler} beans.
	 * @param handlers the object
	 * @throws IllegalStateException if a method has more than one parameter or already
	 * has a handler
	 */
	void register(Object handlers);

}
