package io.github.sidecarchannels.rpc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongFunction;

import io.github.sidecarchannels.core.request.ProtocolExchange;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

import org.springframework.messaging.Message;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Sorts every frame from the child, on the reading thread: responses complete their call
 * by id; requests and notifications go to the {@link Dispatcher}, unhandled notifications
 * to the inbound channel; whatever is not JSON-RPC is counted and reported. Nothing here
 * blocks.
 */
final class FrameRouter implements Consumer<Message<?>> {

	/** Sent once by the clients when they start serving; readiness is a later feature. */
	private static final String READY = "$/ready";

	private final String sidecarName;

	private final JsonMapper mapper;

	private final ProtocolExchange exchange;

	private final Dispatcher dispatcher;

	private final Responder responder;

	private final JsonRpcMessages messages;

	private final ResponseScanner responses;

	FrameRouter(String sidecarName, JsonMapper mapper, ProtocolExchange exchange, Dispatcher dispatcher,
			Responder responder, LongFunction<@Nullable JavaType> expected) {
		this.sidecarName = sidecarName;
		this.mapper = mapper;
		this.exchange = exchange;
		this.dispatcher = dispatcher;
		this.responder = responder;
		this.messages = new JsonRpcMessages(mapper);
		this.responses = new ResponseScanner(mapper, expected);
	}

	@Override
	public void accept(Message<?> frame) {
		Responder.routing(() -> route(frame));
	}

	private void route(Message<?> frame) {
		SuccessResponse success = this.responses.scan(frame.getPayload());
		if (success != null) {
			respondedTo(success, frame);
			return;
		}
		JsonNode node;
		try {
			node = parse(frame.getPayload());
		}
		catch (JacksonException ex) {
			report("invalid-json", "the child sent a frame that is not JSON (" + ex.getOriginalMessage() + "): "
					+ Responder.abbreviate(text(frame.getPayload())), frame);
			return;
		}
		if (!node.isArray()) {
			CompletableFuture<JsonNode> response = message(node, frame);
			if (response != null) {
				response.thenAccept((answer) -> this.responder.respond(answer, frame));
			}
			return;
		}
		batch(node, frame);
	}

	private JsonNode parse(Object payload) {
		return (payload instanceof String text) ? this.mapper.readTree(text) : this.mapper.readTree((byte[]) payload);
	}

	/** The responses to a batch's requests go back as one array, once all are done. */
	private void batch(JsonNode batch, Message<?> frame) {
		if (batch.isEmpty()) {
			report("invalid-message", "the child sent an empty batch", frame);
			this.responder.respond(this.messages.error(NullNode.instance, JsonRpcErrorException.INVALID_REQUEST,
					"Invalid Request", null), frame);
			return;
		}
		List<CompletableFuture<JsonNode>> responses = new ArrayList<>();
		for (JsonNode element : batch) {
			CompletableFuture<JsonNode> response = message(element, frame);
			if (response != null) {
				responses.add(response);
			}
		}
		if (!responses.isEmpty()) {
			CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).thenRun(() -> {
				ArrayNode array = JsonNodeFactory.instance.arrayNode();
				responses.forEach((response) -> array.add(response.join()));
				this.responder.respond(array, frame);
			});
		}
	}

	/**
	 * @return the response to send, for a request
	 */
	private @Nullable CompletableFuture<JsonNode> message(JsonNode node, Message<?> frame) {
		JsonNode method = node.get("method");
		JsonNode id = node.get("id");
		if (node.isObject() && method != null) {
			if (!method.isString() || (id != null && !id.isString() && !id.isNumber())) {
				report("invalid-message", "the child sent an invalid request: " + Responder.abbreviate(node.toString()),
						frame);
				return CompletableFuture.completedFuture(this.messages.error(validId(id),
						JsonRpcErrorException.INVALID_REQUEST, "Invalid Request", null));
			}
			if (id == null) {
				notification(method.stringValue(), node.get("params"), frame);
				return null;
			}
			return this.dispatcher.request(id, method.stringValue(), node.get("params"));
		}
		if (node.isObject() && id != null && (node.has("result") || node.has("error"))) {
			response(node, id, frame);
			return null;
		}
		report("invalid-message",
				"the child sent JSON that is not a JSON-RPC message: " + Responder.abbreviate(node.toString()), frame);
		return null;
	}

	private static JsonNode validId(@Nullable JsonNode id) {
		return (id != null && (id.isString() || id.isNumber())) ? id : NullNode.instance;
	}

	/**
	 * The common case, a success response, without a tree: its caller binds the result.
	 */
	private void respondedTo(SuccessResponse success, Message<?> frame) {
		if (!this.exchange.complete(success.id(), new GenericMessage<>(success, frame.getHeaders()), false)) {
			JsonNode response = success.tree(this.mapper);
			unmatched(response, response.get("id"), new GenericMessage<>(response, frame.getHeaders()));
		}
	}

	private void response(JsonNode response, JsonNode id, Message<?> frame) {
		Message<JsonNode> message = new GenericMessage<>(response, frame.getHeaders());
		boolean error = response.has("error");
		if (id.isIntegralNumber() && id.canConvertToLong() && this.exchange.complete(id.longValue(), message, error)) {
			return;
		}
		unmatched(response, id, message);
	}

	private void unmatched(JsonNode response, JsonNode id, Message<JsonNode> message) {
		report("unmatched",
				"a response with id " + id + " matches no waiting call (it timed out, was cancelled or "
						+ "was never made), so it was given to nobody: " + Responder.abbreviate(response.toString()),
				message);
	}

	private void notification(String method, @Nullable JsonNode params, Message<?> frame) {
		if (READY.equals(method)) {
			this.exchange.ready(frame);
			return;
		}
		Message<JsonNode> message = MessageBuilder.withPayload((params != null) ? params : NullNode.instance)
			.copyHeaders(frame.getHeaders())
			.setHeader(SidecarRpc.METHOD_HEADER, method)
			.build();
		if (this.dispatcher.handlesNotification(method)) {
			this.dispatcher.notification(method, params, (why) -> report("handler", why, message));
		}
		else {
			this.exchange.deliverInbound(message);
		}
	}

	private void report(String type, String description, Message<?> message) {
		this.exchange.reportInbound(type, "Sidecar '" + this.sidecarName + "': " + description, message);
	}

	private static String text(Object payload) {
		return (payload instanceof byte[] bytes) ? new String(bytes, StandardCharsets.UTF_8) : payload.toString();
	}

}
