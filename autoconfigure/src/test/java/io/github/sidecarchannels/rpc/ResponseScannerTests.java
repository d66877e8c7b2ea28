package io.github.sidecarchannels.rpc;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The streaming fast path for success responses and the request encoder: every result
 * shape is found exactly where it lies, in text and in bytes, and every frame that is not
 * a plain success response is left to the general path.
 */
class ResponseScannerTests {

	private final JsonMapper mapper = SidecarRpcs.defaultMapper();

	private final JsonRpcMessages messages = new JsonRpcMessages(this.mapper);

	private final Map<Long, JavaType> waiting = new HashMap<>();

	private final ResponseScanner scanner = new ResponseScanner(this.mapper, this.waiting::get);

	record Token(String token) {
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"a\":[1,{\"b\":\"}\"}]}", "[1, 2 ,3]", "\"t\\\"e\\u00e9\\nx\"", "-12.5e3", "true",
			"false", "null", "{}", "\"\"" })
	void theResultIsReadFromWhereItLiesInTextAndInBytes(String result) {
		String frame = "{ \"jsonrpc\" : \"2.0\" , \"result\" :  " + result + "  , \"id\" : 7 }\n";
		JsonNode expected = this.mapper.readTree(result);
		for (Object payload : List.of(frame, frame.getBytes(StandardCharsets.UTF_8))) {
			SuccessResponse success = this.scanner.scan(payload);
			assertThat(success).isNotNull();
			assertThat(success.id()).isEqualTo(7);
			assertThat(success.result(this.mapper, this.mapper.constructType(JsonNode.class))).isEqualTo(expected);
			assertThat(success.result(this.mapper, this.mapper.constructType(Object.class)))
				.isEqualTo(this.mapper.treeToValue(expected, Object.class));
		}
	}

	@Test
	void aResultIsBoundToTheCallersType() {
		SuccessResponse success = this.scanner
			.scan("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"token\":\"héllo\"}}".getBytes(StandardCharsets.UTF_8));
		assertThat(success.result(this.mapper, this.mapper.constructType(Token.class))).isEqualTo(new Token("héllo"));
	}

	@Test
	void aWaitingCallsResultIsBoundOnTheWayAndOneThatDoesNotBindIsLeftToTheCaller() {
		this.waiting.put(1L, this.mapper.constructType(Token.class));
		this.waiting.put(2L, this.mapper.constructType(Integer.class));
		SuccessResponse bound = this.scanner.scan("{\"id\":1,\"result\":{\"token\":\"t\"},\"jsonrpc\":\"2.0\"}");
		assertThat(bound.result(this.mapper, this.mapper.constructType(Token.class))).isEqualTo(new Token("t"));
		assertThat(bound.result(this.mapper, this.mapper.constructType(JsonNode.class)))
			.isEqualTo(this.mapper.readTree("{\"token\":\"t\"}"));
		SuccessResponse unbound = this.scanner.scan("{\"id\":2,\"result\":{\"token\":\"t\"}}");
		assertThat(unbound).isNotNull();
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> unbound.result(this.mapper, this.mapper.constructType(Integer.class)));
		assertThat(this.scanner.scan("{\"id\":1,\"result\":{\"token\":\"t\"},\"error\":{}}")).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1,\"message\":\"x\"}}",
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":null}",
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}", "{\"jsonrpc\":\"2.0\",\"id\":\"1\",\"result\":1}",
			"{\"jsonrpc\":\"2.0\",\"id\":1.5,\"result\":1}", "{\"jsonrpc\":\"2.0\",\"id\":null,\"result\":1}",
			"{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999,\"result\":1}", "{\"jsonrpc\":\"2.0\",\"result\":1}",
			"{\"jsonrpc\":\"2.0\",\"id\":1}", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1}]",
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1} {}", "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"a\":}",
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1", "this is {not json", "42", "" })
	void everyOtherFrameIsLeftToTheGeneralPath(String frame) {
		assertThat(this.scanner.scan(frame)).isNull();
		assertThat(this.scanner.scan(frame.getBytes(StandardCharsets.UTF_8))).isNull();
	}

	@Test
	void requestsAreWrittenAsOneJsonObject() {
		JsonNode request = this.mapper.readTree(this.messages.request(42, "tools/\"call\"\n", Map.of("a", List.of(1))));
		assertThat(request).isEqualTo(this.mapper
			.readTree("{\"jsonrpc\":\"2.0\",\"id\":42,\"method\":\"tools/\\\"call\\\"\\n\",\"params\":{\"a\":[1]}}"));
		assertThat(this.mapper.readTree(this.messages.request(1, "é", null)))
			.isEqualTo(this.mapper.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"é\"}"));
		assertThat(this.mapper.readTree(this.messages.request(2, "m", new Token("t"))).path("params"))
			.isEqualTo(this.mapper.readTree("{\"token\":\"t\"}"));
	}

	@Test
	void paramsThatAreNotStructuredAreRefusedNamingWhatTheyAre() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.messages.request(1, "m", "bare"))
			.withMessageContaining("params must be an object")
			.withMessageContaining("got STRING from java.lang.String");
		assertThatIllegalArgumentException().isThrownBy(() -> this.messages.request(1, "m", 3))
			.withMessageContaining("got NUMBER");
		assertThatIllegalArgumentException().isThrownBy(() -> this.messages.request(1, "m", true))
			.withMessageContaining("got BOOLEAN");
	}

}
