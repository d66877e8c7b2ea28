package io.github.sidecarchannels.rpc;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.sidecarchannels.core.RpcCancellation;
import io.github.sidecarchannels.core.Sidecar;
import io.github.sidecarchannels.core.SidecarTimeoutException;
import io.github.sidecarchannels.core.request.PendingRequest;
import io.github.sidecarchannels.core.request.ProtocolExchange;
import io.github.sidecarchannels.core.transport.WaitingCaller;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessageDeliveryException;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.support.GenericMessage;

/**
 * The application's side of a JSON-RPC sidecar: calls out with ids of its own, and the
 * routing and handlers for what the child sends.
 */
final class JsonRpcPeer implements SidecarRpc {

	private final Sidecar sidecar;

	private final ProtocolExchange exchange;

	private final JsonMapper mapper;

	private final JsonRpcMessages messages;

	private final Dispatcher dispatcher;

	private final Responder responder;

	private static final String PING = "$/ping";

	private final AtomicLong ids = new AtomicLong();

	/**
	 * The result type of every call waiting, so the router binds a result as it reads it;
	 * bounded by the calls in flight (an entry lives until its call settles).
	 */
	private final Map<Long, JavaType> resultTypes = new ConcurrentHashMap<>();

	JsonRpcPeer(Sidecar sidecar, ProtocolExchange exchange, JsonMapper mapper) {
		this.sidecar = sidecar;
		this.exchange = exchange;
		this.mapper = mapper;
		this.messages = new JsonRpcMessages(mapper);
		this.dispatcher = new Dispatcher(sidecar.name(), mapper, exchange.metrics(),
				sidecar.definition().maxInFlight());
		this.responder = new Responder(sidecar, exchange, this.messages, sidecar.definition().requestTimeout());
		exchange.routeFrames(new FrameRouter(sidecar.name(), mapper, exchange, this.dispatcher, this.responder,
				this.resultTypes::get));
		Duration heartbeatTimeout = sidecar.definition().heartbeatTimeout();
		if (!heartbeatTimeout.isZero()) {
			// The answer is a sign of life like any other frame; a missing one is the
			// heartbeat's business.
			exchange.pingWith(
					(instance) -> send(instance, PING, null, mapper.constructType(JsonNode.class), heartbeatTimeout));
		}
	}

	@Override
	public Sidecar sidecar() {
		return this.sidecar;
	}

	@Override
	public <T> @Nullable T call(String method, @Nullable Object params, Class<T> resultType) {
		return call(method, params, resultType, defaultTimeout());
	}

	@Override
	public <T> @Nullable T call(String method, @Nullable Object params, Class<T> resultType, Duration timeout) {
		return await(WaitingCaller.sends(() -> callAsync(method, params, resultType, timeout)), method);
	}

	@Override
	public <T> @Nullable T call(String method, @Nullable Object params, ParameterizedTypeReference<T> resultType) {
		return call(method, params, resultType, defaultTimeout());
	}

	@Override
	public <T> @Nullable T call(String method, @Nullable Object params, ParameterizedTypeReference<T> resultType,
			Duration timeout) {
		return await(WaitingCaller.sends(() -> callAsync(method, params, resultType, timeout)), method);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params, Class<T> resultType) {
		return callAsync(method, params, resultType, defaultTimeout());
	}

	@Override
	public <T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params, Class<T> resultType,
			Duration timeout) {
		return send(this.exchange, method, params, this.mapper.constructType(resultType), timeout);
	}

	@Override
	public <T> CompletableFuture<@Nullable T> callAsync(String method, @Nullable Object params,
			ParameterizedTypeReference<T> resultType, Duration timeout) {
		return send(this.exchange, method, params, this.mapper.constructType(resultType.getType()), timeout);
	}

	private <T> CompletableFuture<@Nullable T> send(ProtocolExchange target, String method, @Nullable Object params,
			JavaType resultType, Duration timeout) {
		CompletableFuture<@Nullable T> result = new CompletableFuture<>();
		long id = this.ids.incrementAndGet();
		ByteBuffer bytes;
		try {
			bytes = ByteBuffer.wrap(this.messages.request(id, method, params));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			result.completeExceptionally(unsendable(method, ex));
			return result;
		}
		this.resultTypes.put(id, resultType);
		PendingRequest call;
		try {
			call = target.call(id, method, bytes, timeout);
		}
		catch (RuntimeException ex) {
			this.resultTypes.remove(id);
			throw ex;
		}
		call.future().whenComplete((response, failure) -> {
			this.resultTypes.remove(id);
			if (failure instanceof SidecarTimeoutException) {
				cancelInChild(target.channelFor(call), id, "timed out after " + timeout);
			}
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				complete(result, method, response, resultType);
			}
		});
		result.whenComplete((value, failure) -> {
			if (failure instanceof CancellationException && !call.isSettled()) {
				this.exchange.abandon(call, new CancellationException("the caller cancelled the call"));
				cancelInChild(target.channelFor(call), id, "cancelled by the caller");
			}
		});
		return result;
	}

	@SuppressWarnings("unchecked")
	private <T> void complete(CompletableFuture<@Nullable T> result, String method, Message<?> response,
			JavaType resultType) {
		if (response.getPayload() instanceof JsonNode message && message.get("error") != null) {
			JsonNode error = message.get("error");
			result.completeExceptionally(new JsonRpcErrorException(error.path("code").asInt(0),
					error.path("message").asString(""), error.get("data")));
			return;
		}
		try {
			result.complete((T) result(response.getPayload(), resultType));
		}
		catch (JacksonException | IllegalArgumentException ex) {
			result.completeExceptionally(new MessageConversionException(asTree(response), "Sidecar '"
					+ this.sidecar.name() + "': the result of '" + method + "' cannot be read as "
					+ resultType.toCanonical() + ": "
					+ ((ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage()), ex));
		}
	}

	/**
	 * Success responses come from the router's fast path; a tree from the general one.
	 */
	private @Nullable Object result(Object response, JavaType resultType) {
		Class<?> raw = resultType.getRawClass();
		if (raw == Void.class) {
			return null;
		}
		if (response instanceof SuccessResponse success) {
			return success.result(this.mapper, resultType);
		}
		JsonNode value = ((JsonNode) response).path("result");
		return JsonNode.class.isAssignableFrom(raw) ? value : this.mapper.treeToValue(value, resultType);
	}

	/** Reports carry the response as a tree, whichever path it came by. */
	private Message<?> asTree(Message<?> response) {
		if (response.getPayload() instanceof SuccessResponse success) {
			return new GenericMessage<>(success.tree(this.mapper), response.getHeaders());
		}
		return response;
	}

	private MessageDeliveryException unsendable(String method, Exception ex) {
		String why = (ex instanceof JacksonException jackson) ? jackson.getOriginalMessage() : ex.getMessage();
		return new MessageDeliveryException(
				"Sidecar '" + this.sidecar.name() + "': cannot send the params of '" + method + "': " + why);
	}

	private void cancelInChild(MessageChannel child, long id, String reason) {
		RpcCancellation style = this.sidecar.definition().cancellation();
		if (style == RpcCancellation.NONE) {
			return;
		}
		JsonNode notification = (style == RpcCancellation.LSP)
				? this.messages.notification("$/cancelRequest", Map.of("id", id))
				: this.messages.notification("notifications/cancelled", Map.of("requestId", id, "reason", reason));
		this.responder.trySend(notification, child, new CancellationException("call " + id + " " + reason));
	}

	private <T> @Nullable T await(CompletableFuture<@Nullable T> future, String method) {
		try {
			return future.get();
		}
		catch (InterruptedException ex) {
			future.cancel(false);
			Thread.currentThread().interrupt();
			throw new MessageDeliveryException(
					"Sidecar '" + this.sidecar.name() + "': interrupted while waiting for '" + method + "'");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new MessagingException("Sidecar '" + this.sidecar.name() + "': '" + method + "' failed",
					ex.getCause());
		}
	}

	private Duration defaultTimeout() {
		return this.sidecar.definition().requestTimeout();
	}

	@Override
	public void notify(String method, @Nullable Object params) {
		JsonNode notification;
		try {
			notification = this.messages.notification(method, params);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw unsendable(method, ex);
		}
		this.responder.send(notification);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <P> void handle(String method, Class<P> paramsType, Function<@Nullable P, ?> handler) {
		this.dispatcher.add(new Handler(method, this.mapper.constructType(paramsType),
				(params) -> handler.apply((P) params), "handle(\"" + method + "\")"), false);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <P> void onNotification(String method, Class<P> paramsType, Consumer<@Nullable P> handler) {
		this.dispatcher.add(new Handler(method, this.mapper.constructType(paramsType), (params) -> {
			handler.accept((P) params);
			return null;
		}, "onNotification(\"" + method + "\")"), true);
	}

	@Override
	public void register(Object handlers) {
		HandlerMethods.register(handlers, this.mapper, this.dispatcher::add);
	}

	void close() {
		this.dispatcher.shutdown();
	}

	@Override
	public String toString() {
		return "sidecar." + this.sidecar.name() + ".rpc";
	}

}
