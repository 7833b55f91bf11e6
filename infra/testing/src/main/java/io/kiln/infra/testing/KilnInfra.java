package io.kiln.infra.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class real Kafka and S3 servers: declare a {@link io.kiln.infra.local.KafkaEndpoint} or
 * {@link io.kiln.infra.local.S3Endpoint} parameter (test method, lifecycle method or constructor) to get one.
 *
 * <pre>{@code
 * @KilnInfra
 * class UploadIT {
 *     @Test
 *     void storesThePng(KafkaEndpoint kafka, S3Endpoint s3) { ... }
 * }
 * }</pre>
 *
 * @see LocalInfraExtension
 */
@Documented
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LocalInfraExtension.class)
public @interface KilnInfra {}
