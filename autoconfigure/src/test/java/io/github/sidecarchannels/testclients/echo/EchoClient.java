package io.github.sidecarchannels.testclients.echo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.sidecarchannels.rpc.JsonRpcMethod;
import io.github.sidecarchannels.rpc.JsonRpcNotification;
import io.github.sidecarchannels.rpc.SidecarClient;
import tools.jackson.databind.JsonNode;

/**
 * The methods of {@code clients/python/examples/rpc_echo.py} and
 * {@code clients/node/examples/rpc-echo.js}.
 */
@SidecarClient("echo")
public interface EchoClient {

	@JsonRpcMethod("echo")
	Token echo(Token token);

	@JsonRpcMethod("echo")
	List<Token> echoAll(List<Token> tokens);

	@JsonRpcMethod("echo")
	List<Object> byPosition(String text, int number, Token token);

	@JsonRpcMethod("echo")
	JsonNode withoutParams();

	@JsonRpcMethod("upper")
	CompletableFuture<String> upper(Text text);

	@JsonRpcMethod(value = "sleep", timeout = "300ms")
	String sleepBriefly(Sleep sleep);

	@JsonRpcMethod("sleep")
	CompletableFuture<String> sleep(Sleep sleep);

	@JsonRpcMethod("sleep")
	CompletableFuture<Void> sleepIgnoringResult(Sleep sleep);

	@JsonRpcMethod("fail")
	void fail(Failure failure);

	@JsonRpcMethod("boom")
	Map<String, Object> boom();

	@JsonRpcMethod("notify")
	void askForNotification(Notify notify);

	@JsonRpcNotification("hello")
	void hello(Token token);

	default String shout(String text) {
		return upper(new Text(text)).join() + "!";
	}

	record Token(String token) {
	}

	record Text(String text) {
	}

	record Sleep(int ms, String token) {
	}

	record Failure(int code, String message, Object data) {
	}

	record Notify(String method, Object params) {
	}

}
