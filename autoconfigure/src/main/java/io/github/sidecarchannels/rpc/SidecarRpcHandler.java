package io.github.sidecarchannels.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a bean whose {@link JsonRpcMethod} and {@link JsonRpcNotification} methods answer
 * the calls and notifications the child of one {@code json-rpc} sidecar sends.
 * Component-scanned beans and {@code @Bean} methods returning an annotated class both
 * count.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SidecarRpcHandler {

	/**
	 * @return the name of the sidecar ({@code sidecar.processes.NAME}) whose calls these
	 * methods answer
	 */
	String value();

}
