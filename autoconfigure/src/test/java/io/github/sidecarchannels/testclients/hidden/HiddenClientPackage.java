package io.github.sidecarchannels.testclients.hidden;

import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.context.annotation.Configuration;

/** Makes {@link HiddenClient}'s package an auto-configuration package. */
@Configuration(proxyBeanMethods = false)
@AutoConfigurationPackage
public class HiddenClientPackage {

}
