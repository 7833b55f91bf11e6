package io.kiln.dispatcher.status;

import io.kiln.contracts.JsonCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serdes in {@link JsonCodec}'s one JSON form; null stays null (a tombstone). */
final class JsonSerde {
    private JsonSerde() {}

    static <T> Serde<T> of(Class<T> type) {
        Serializer<T> serializer =
                (topic, value) -> value == null ? null : JsonCodec.mapper().writeValueAsBytes(value);
        Deserializer<T> deserializer =
                (topic, bytes) -> bytes == null ? null : JsonCodec.mapper().readValue(bytes, type);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
