package io.github.sidecarchannels.rpc;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the JSON-RPC messages the application sends.
 */
final class JsonRpcMessages {

	private final JsonMapper mapper;

	JsonRpcMessages(JsonMapper mapper) {
		this.mapper = mapper;
	}

	ObjectNode request(long id, String method, @Nullable Object params) {
		ObjectNode request = notification(method, params);
		request.put("id", id);
		return request;
	}

	/** Params must be structured: an object (by-name) or an array (by-position). */
	ObjectNode notification(String method, @Nullable Object params) {
		ObjectNode message = envelope();
		message.put("method", method);
		if (params != null) {
			JsonNode node = this.mapper.valueToTree(params);
			if (!node.isObject() && !node.isArray()) {
				throw new IllegalArgumentException("params must be an object (by-name: a Map, record or bean) or an "
						+ "array (by-position: a List), got " + node.getNodeType() + " from "
						+ params.getClass().getName());
			}
			message.set("params", node);
		}
		return message;
	}

	ObjectNode result(JsonNode id, @Nullable Object result) {
		ObjectNode response = envelope();
		response.set("id", id);
		response.set("result", (result != null) ? this.mapper.valueToTree(result) : NullNode.instance);
		return response;
	}

	ObjectNode error(JsonNode id, int code, String message, @Nullable Object data) {
		ObjectNode error = JsonNodeFactory.instance.objectNode();
		error.put("code", code);
		error.put("message", message);
		if (data != null) {
			error.set("data", this.mapper.valueToTree(data));
		}
		ObjectNode response = envelope();
		response.set("id", id);
		response.set("error", error);
		return response;
	}

	ByteBuffer bytes(JsonNode message) {
		return ByteBuffer.wrap(this.mapper.writeValueAsBytes(message));
	}

	private static ObjectNode envelope() {
		ObjectNode message = JsonNodeFactory.instance.objectNode();
		message.put("jsonrpc", "2.0");
		return message;
	}

}
