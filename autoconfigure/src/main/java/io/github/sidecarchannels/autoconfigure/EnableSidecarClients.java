package io.github.sidecarchannels.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Makes beans of the {@link io.github.sidecarchannels.rpc.SidecarClient} interfaces in
 * more packages than the application's own, which are scanned without it.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Import(SidecarClientsRegistrar.class)
public @interface EnableSidecarClients {

	/**
	 * @return packages to scan, with their sub-packages
	 */
	String[] basePackages() default {};

	/**
	 * @return classes whose packages are scanned, with their sub-packages (type-safe
	 * {@link #basePackages})
	 */
	Class<?>[] basePackageClasses() default {};

}
