package io.github.sidecarchannels.rpc;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON-RPC error response: thrown by {@link SidecarRpc} calls the child answered with
 * an error, and thrown by handlers to answer the child's call with one.
 */
public class JsonRpcErrorException extends RuntimeException {

	/** Invalid JSON was received. */
	public static final int PARSE_ERROR = -32700;

	/** The JSON sent is not a valid request object. */
	public static final int INVALID_REQUEST = -32600;

	/** The method does not exist or is not available. */
	public static final int METHOD_NOT_FOUND = -32601;

	/** Invalid method parameters. */
	public static final int INVALID_PARAMS = -32602;

	/** Internal JSON-RPC error; also a handler's failure and a busy application. */
	public static final int INTERNAL_ERROR = -32603;

	/** The request was cancelled (LSP's {@code RequestCancelled}). */
	public static final int REQUEST_CANCELLED = -32800;

	private static final JsonMapper PLAIN = JsonMapper.builder().build();

	private final int code;

	private final transient @Nullable Object data;

	/**
	 * @param code the error code, e.g. {@link #INVALID_PARAMS} or one of the
	 * application's own
	 * @param message a short description, sent as the error's {@code message}
	 * @param data more information sent as the error's {@code data} (anything Jackson can
	 * write), or {@code null} for none
	 */
	public JsonRpcErrorException(int code, String message, @Nullable Object data) {
		super(message);
		this.code = code;
		this.data = data;
	}

	/**
	 * @return the error code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * @return the error's {@code data} as JSON, or {@code null} when it has none
	 */
	public @Nullable JsonNode data() {
		if (this.data == null || this.data instanceof JsonNode) {
			return (JsonNode) this.data;
		}
		return PLAIN.valueToTree(this.data);
	}

	/** The data as given, for the sidecar's own mapper to write. */
	@Nullable Object rawData() {
		return this.data;
	}

	@Override
	public String toString() {
		return getClass().getName() + ": " + getMessage() + " (code " + this.code + ")";
	}

}
