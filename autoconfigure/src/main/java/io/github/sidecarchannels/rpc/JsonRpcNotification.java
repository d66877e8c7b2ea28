package io.github.sidecarchannels.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method that receives the JSON-RPC notification {@link #value()} from the child,
 * on a {@link SidecarRpcHandler} bean. It takes no parameter or one, bound from
 * {@code params} like a {@link JsonRpcMethod}'s; its return value is ignored and nothing
 * is answered. A notification that fails to bind or whose handler throws is reported on
 * the sidecar's errors channel.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(JsonRpcReflectiveProcessor.class)
public @interface JsonRpcNotification {

	/**
	 * @return the JSON-RPC method name of the notification, e.g.
	 * {@code notifications/message}
	 */
	String value();

}
