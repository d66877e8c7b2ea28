package io.github.sidecarchannels.rpc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.io.JsonStringEncoder;
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

	private static final byte[] REQUEST_START = "{\"jsonrpc\":\"2.0\",\"id\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] METHOD = ",\"method\":\"".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] PARAMS = "\",\"params\":".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] END_WITHOUT_PARAMS = "\"}".getBytes(StandardCharsets.US_ASCII);

	/**
	 * A request written straight to bytes: the params are serialized once, with no tree
	 * in between, and the envelope around them is fixed text.
	 * @param id the id
	 * @param method the method
	 * @param params the params, or {@code null} for none
	 * @return the request as UTF-8 JSON
	 */
	byte[] request(long id, String method, @Nullable Object params) {
		byte[] digits = Long.toString(id).getBytes(StandardCharsets.US_ASCII);
		byte[] name = JsonStringEncoder.getInstance().quoteAsUTF8(method);
		byte[] value = (params != null) ? structured(this.mapper.writeValueAsBytes(params), params) : null;
		int length = REQUEST_START.length + digits.length + METHOD.length + name.length
				+ ((value != null) ? PARAMS.length + value.length + 1 : END_WITHOUT_PARAMS.length);
		ByteBuffer request = ByteBuffer.allocate(length).put(REQUEST_START).put(digits).put(METHOD).put(name);
		if (value != null) {
			request.put(PARAMS).put(value).put((byte) '}');
		}
		else {
			request.put(END_WITHOUT_PARAMS);
		}
		return request.array();
	}

	private static byte[] structured(byte[] json, Object params) {
		int first = 0;
		while (first < json.length
				&& (json[first] == ' ' || json[first] == '\n' || json[first] == '\r' || json[first] == '\t')) {
			first++;
		}
		byte start = (first < json.length) ? json[first] : 0;
		if (start != '{' && start != '[') {
			throw notStructured(kind(start), params);
		}
		return json;
	}

	private static String kind(byte start) {
		return switch (start) {
			case '"' -> "STRING";
			case 't', 'f' -> "BOOLEAN";
			case 'n' -> "NULL";
			default -> "NUMBER";
		};
	}

	private static IllegalArgumentException notStructured(String kind, Object params) {
		return new IllegalArgumentException("params must be an object (by-name: a Map, record or bean) or an "
				+ "array (by-position: a List), got " + kind + " from " + params.getClass().getName());
	}

	/** Params must be structured: an object (by-name) or an array (by-position). */
	ObjectNode notification(String method, @Nullable Object params) {
		ObjectNode message = envelope();
		message.put("method", method);
		if (params != null) {
			JsonNode node = this.mapper.valueToTree(params);
			if (!node.isObject() && !node.isArray()) {
				throw notStructured(node.getNodeType().toString(), params);
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
