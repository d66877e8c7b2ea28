package io.github.sidecarchannels.rpc;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.github.sidecarchannels.core.concurrent.SidecarThreads;
import io.github.sidecarchannels.core.metrics.SidecarMetrics;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * Runs the handlers of the child's calls on a bounded pool, never on the reading thread:
 * a full pool refuses (the child gets -32603 "busy") instead of queueing without end or
 * blocking the reader.
 */
final class Dispatcher {

	/** Handler threads per sidecar; idle ones end after a minute. */
	static final int THREADS = 8;

	private final String sidecarName;

	private final JsonMapper mapper;

	private final JsonRpcMessages messages;

	private final SidecarMetrics metrics;

	private final Map<String, Handler> requests = new ConcurrentHashMap<>();

	private final Map<String, Handler> notifications = new ConcurrentHashMap<>();

	private final ThreadPoolExecutor executor;

	private final int queueCapacity;

	Dispatcher(String sidecarName, JsonMapper mapper, SidecarMetrics metrics, int queueCapacity) {
		this.sidecarName = sidecarName;
		this.mapper = mapper;
		this.messages = new JsonRpcMessages(mapper);
		this.metrics = metrics;
		this.queueCapacity = queueCapacity;
		AtomicInteger threads = new AtomicInteger();
		this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(queueCapacity),
				(task) -> SidecarThreads.daemon(sidecarName, "handler-" + threads.incrementAndGet(), task));
		this.executor.allowCoreThreadTimeOut(true);
		this.requests.put("$/ping", new Handler("$/ping", null, (params) -> Map.of(), "built-in $/ping"));
	}

	void add(Handler handler, boolean notification) {
		Map<String, Handler> table = notification ? this.notifications : this.requests;
		Handler previous = table.putIfAbsent(handler.method(), handler);
		if (previous != null && !previous.description().startsWith("built-in")) {
			throw new IllegalStateException("Sidecar '" + this.sidecarName + "': the "
					+ (notification ? "notification" : "method") + " '" + handler.method() + "' already has a handler ("
					+ previous.description() + "), so " + handler.description() + " cannot be one too");
		}
		if (previous != null) {
			table.put(handler.method(), handler);
		}
	}

	boolean handlesNotification(String method) {
		return this.notifications.containsKey(method);
	}

	/**
	 * @return the response to send once the handler is done
	 */
	CompletableFuture<JsonNode> request(JsonNode id, String method, @Nullable JsonNode params) {
		Handler handler = this.requests.get(method);
		if (handler == null) {
			this.metrics.handled("unknown", "error", 0);
			return CompletableFuture.completedFuture(this.messages.error(id, JsonRpcErrorException.METHOD_NOT_FOUND,
					"Method not found: " + method, null));
		}
		CompletableFuture<JsonNode> response = new CompletableFuture<>();
		try {
			this.executor.execute(() -> run(handler, id, params, response));
		}
		catch (RejectedExecutionException ex) {
			this.metrics.handled(method, "busy", 0);
			response.complete(this.messages.error(id, JsonRpcErrorException.INTERNAL_ERROR, busy(method), null));
		}
		return response;
	}

	/**
	 * @param failed told when the notification cannot be handled, with why
	 */
	void notification(String method, @Nullable JsonNode params, Consumer<String> failed) {
		Handler handler = this.notifications.get(method);
		try {
			this.executor.execute(() -> runNotification(handler, params, failed));
		}
		catch (RejectedExecutionException ex) {
			this.metrics.handled(method, "busy", 0);
			failed.accept(busy(method));
		}
	}

	private String busy(String method) {
		return "busy: '" + method + "' refused, all " + THREADS + " handler threads are taken and " + this.queueCapacity
				+ " calls wait (max-in-flight)";
	}

	private void run(Handler handler, JsonNode id, @Nullable JsonNode params, CompletableFuture<JsonNode> response) {
		long start = System.nanoTime();
		Object bound;
		try {
			bound = bind(handler, params);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			answer(handler, id, start, response, null, new JsonRpcErrorException(JsonRpcErrorException.INVALID_PARAMS,
					"Invalid params for '" + handler.method() + "': " + message(ex), null));
			return;
		}
		try {
			Object result = handler.function().apply(bound);
			if (result instanceof CompletionStage<?> stage) {
				stage.whenComplete((value, failure) -> answer(handler, id, start, response, value, failure));
			}
			else {
				answer(handler, id, start, response, result, null);
			}
		}
		catch (RuntimeException | Error ex) {
			answer(handler, id, start, response, null, ex);
		}
	}

	private void answer(Handler handler, JsonNode id, long start, CompletableFuture<JsonNode> response,
			@Nullable Object result, @Nullable Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		JsonNode message;
		if (cause == null) {
			message = resultOrError(handler, id, result);
		}
		else if (cause instanceof JsonRpcErrorException error) {
			message = this.messages.error(id, error.code(), String.valueOf(error.getMessage()), error.rawData());
		}
		else {
			message = this.messages.error(id, JsonRpcErrorException.INTERNAL_ERROR, message(cause), null);
		}
		this.metrics.handled(handler.method(), message.has("error") ? "error" : "success", System.nanoTime() - start);
		response.complete(message);
	}

	private JsonNode resultOrError(Handler handler, JsonNode id, @Nullable Object result) {
		try {
			return this.messages.result(id, result);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return this.messages.error(id, JsonRpcErrorException.INTERNAL_ERROR,
					"the result of '" + handler.method() + "' cannot be written as JSON: " + message(ex), null);
		}
	}

	private void runNotification(@Nullable Handler handler, @Nullable JsonNode params, Consumer<String> failed) {
		if (handler == null) {
			return;
		}
		long start = System.nanoTime();
		try {
			handler.function().apply(bind(handler, params));
			this.metrics.handled(handler.method(), "success", System.nanoTime() - start);
		}
		catch (RuntimeException ex) {
			this.metrics.handled(handler.method(), "error", System.nanoTime() - start);
			failed.accept("the handler " + handler.description() + " of notification '" + handler.method()
					+ "' failed: " + message(ex));
		}
	}

	private @Nullable Object bind(Handler handler, @Nullable JsonNode params) {
		if (handler.paramsType() == null) {
			return null;
		}
		JsonNode node = (params != null) ? params : NullNode.instance;
		if (handler.paramsType().isTypeOrSubTypeOf(JsonNode.class)) {
			return node;
		}
		return node.isNull() ? null : this.mapper.treeToValue(node, handler.paramsType());
	}

	private static String message(Throwable ex) {
		if (ex instanceof JacksonException jackson) {
			return jackson.getOriginalMessage();
		}
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
	}

	void shutdown() {
		this.executor.shutdownNow();
	}

}
