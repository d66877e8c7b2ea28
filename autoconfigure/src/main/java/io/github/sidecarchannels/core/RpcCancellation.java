package io.github.sidecarchannels.core;

/**
 * What a {@link Protocol#JSON_RPC json-rpc} sidecar tells the child when a call times out
 * or its future is cancelled.
 */
public enum RpcCancellation {

	/** Nothing: the child's late response is reported as unmatched. */
	NONE("none"),

	/** The Language Server Protocol's notification {@code $/cancelRequest {"id": ID}}. */
	LSP("lsp"),

	/**
	 * The Model Context Protocol's notification {@code notifications/cancelled
	 * {"requestId": ID, "reason": …}}.
	 */
	MCP("mcp");

	private final String wireName;

	RpcCancellation(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * @return the name used in configuration, e.g. {@code lsp}
	 */
	public String wireName() {
		return this.wireName;
	}

}
