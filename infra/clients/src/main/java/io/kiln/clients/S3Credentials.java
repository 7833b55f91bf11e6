package io.kiln.clients;

/**
 * Where an S3 client takes its access keys from: fixed keys (MinIO, s3proxy, tests) or the AWS SDK's default provider
 * chain (environment, profile, container or instance role), which is what production on AWS uses.
 */
public sealed interface S3Credentials {

    /** Fixed keys. */
    static S3Credentials staticKeys(String accessKeyId, String secretAccessKey) {
        return new StaticKeys(accessKeyId, secretAccessKey);
    }

    /** The AWS SDK's default provider chain, resolved when a request is signed. */
    static S3Credentials defaultChain() {
        return new DefaultChain();
    }

    /**
     * Fixed keys.
     *
     * @param accessKeyId the access key id (MinIO's user name)
     * @param secretAccessKey the secret key (MinIO's password); never shown by {@link #toString()}
     */
    record StaticKeys(String accessKeyId, String secretAccessKey) implements S3Credentials {
        public StaticKeys {
            Require.notBlank(accessKeyId, "accessKeyId");
            Require.notBlank(secretAccessKey, "secretAccessKey");
        }

        // Settings end up in logs and exception messages; the secret must not.
        @Override
        public String toString() {
            return "StaticKeys[accessKeyId=" + accessKeyId + ", secretAccessKey=***]";
        }
    }

    /** The AWS SDK's default provider chain. */
    record DefaultChain() implements S3Credentials {}
}
