using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace CarTConsortium.Identity.Keys;

/// <summary>
/// OpenIddict reads its keys from options that are built once; these handlers make every
/// token, JWKS response and validation ask the ring instead, so rotation follows the clock.
/// </summary>
internal static class KeyRingHandlers
{
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors =>
    [
        SignWithActiveKey.Descriptor,
        PublishRingKeys.Descriptor,
        VerifyWithRingKeys.Descriptor,
    ];

    /// <summary>Runs after OpenIddict picked the first configured key, and replaces it by the active one.</summary>
    internal sealed class SignWithActiveKey(SigningKeyRing ring) : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseSingletonHandler<SignWithActiveKey>()
                .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(GenerateTokenContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.SigningCredentials = ring.Current().Signing;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The JWKS lists the ring's published keys, public halves only.</summary>
    internal sealed class PublishRingKeys(SigningKeyRing ring) : IOpenIddictServerHandler<HandleJsonWebKeySetRequestContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<HandleJsonWebKeySetRequestContext>()
                .UseSingletonHandler<PublishRingKeys>()
                .SetOrder(OpenIddictServerHandlers.Discovery.AttachSigningKeys.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(HandleJsonWebKeySetRequestContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.Keys.Clear();
            foreach (var key in ring.Current().Published)
            {
                var parameters = key.Rsa.ExportParameters(includePrivateParameters: false);
                context.Keys.Add(new JsonWebKey
                {
                    Kty = JsonWebAlgorithmsKeyTypes.RSA,
                    Use = JsonWebKeyUseNames.Sig,
                    Alg = SecurityAlgorithms.RsaSha256,
                    Kid = key.KeyId,
                    N = Base64UrlEncoder.Encode(parameters.Modulus),
                    E = Base64UrlEncoder.Encode(parameters.Exponent),
                });
            }
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>OpenIddict's own tokens (codes, refresh tokens) are checked against every published key.</summary>
    internal sealed class VerifyWithRingKeys(SigningKeyRing ring) : IOpenIddictServerHandler<ValidateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
                .UseSingletonHandler<VerifyWithRingKeys>()
                .SetOrder(OpenIddictServerHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public ValueTask HandleAsync(ValidateTokenContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            context.TokenValidationParameters.IssuerSigningKeys = ring.Current().Published;
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// OpenIddict insists on at least one signing and one encryption key in its options; the
    /// ring's keys at first use fill them (the handlers above override the signing choice).
    /// </summary>
    internal sealed class SeedServerOptions(SigningKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            var keys = ring.Current();
            options.SigningCredentials.Add(keys.Signing);
            options.EncryptionCredentials.Add(keys.Encryption);
        }
    }
}
