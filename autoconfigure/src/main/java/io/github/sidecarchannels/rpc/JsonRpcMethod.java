package io.github.sidecarchannels.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method that answers the JSON-RPC request {@link #value()} from the child, on a
 * {@link SidecarRpcHandler} bean. The method takes no parameter or one, bound from
 * {@code params} with Jackson (by-name params as an object, by-position params as the
 * whole array; absent params as {@code null}). Its return value is the result
 * ({@code void}: {@code null}); a {@link java.util.concurrent.CompletableFuture} is
 * answered when it completes. A thrown {@link JsonRpcErrorException} becomes that error
 * response, any other exception error -32603 with its message. Handlers run on the
 * sidecar's handler threads, never on its reading thread, so they may call the sidecar
 * themselves.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(JsonRpcReflectiveProcessor.class)
public @interface JsonRpcMethod {

	/**
	 * @return the JSON-RPC method name, e.g. {@code roots/list}
	 */
	String value();

	/**
	 * The call timeout, for methods of typed client interfaces that call the child (a
	 * later feature); ignored on handlers. Empty means the sidecar's
	 * {@code request-timeout}.
	 * @return a duration such as {@code 5s}, or empty
	 */
	String timeout() default "";

}
