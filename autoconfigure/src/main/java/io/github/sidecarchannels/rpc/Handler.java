package io.github.sidecarchannels.rpc;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

/**
 * One handler of the child's requests or notifications.
 *
 * @param method the JSON-RPC method it answers
 * @param paramsType what {@code params} is bound to, or {@code null} when it takes none
 * @param function runs it: bound params in, result (possibly a {@code CompletionStage})
 * out
 * @param description where it comes from, for messages
 */
record Handler(String method, @Nullable JavaType paramsType, Function<@Nullable Object, @Nullable Object> function,
		String description) {

}
