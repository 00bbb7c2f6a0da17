using System.Buffers.Binary;
using MediVault.Infrastructure.Identity;
using MediVault.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MediVault.IntegrationTests;

/// <summary>
/// The rest of the suite hashes passwords with a low work factor (<see cref="MediVaultFactory.TestPasswordHashIterations"/>);
/// these tests hold the app's own setting: what a registration stores is Identity's v3 format with PBKDF2-HMAC-SHA512
/// at 100,000 iterations, and a hash of the suite's work factor still verifies (the format carries its own count).
/// </summary>
public sealed class PasswordHashingTests(PasswordHashingTests.ProductionHashingFactory factory)
    : IClassFixture<PasswordHashingTests.ProductionHashingFactory>
{
    private readonly ProductionHashingFactory _factory = factory;

    public sealed class ProductionHashingFactory : MediVaultFactory
    {
        public ProductionHashingFactory() => ProductionPasswordHashing = true;
    }

    [Fact]
    public async Task Register_StoresAPbkdf2Sha512HashOf100000Iterations()
    {
        var patient = await new Api(_factory).RegisterPatient();

        var hash = Convert.FromBase64String(await StoredHash(patient.Email));

        hash[0].Should().Be(0x01, "Identity's v3 format");
        ((KeyDerivationPrfNumber)BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(1))).Should().Be(KeyDerivationPrfNumber.HmacSha512);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(5)).Should().Be(100_000u);
        BinaryPrimitives.ReadUInt32BigEndian(hash.AsSpan(9)).Should().Be(16u, "a 128-bit salt");
    }

    [Fact]
    public async Task AHashOfTheSuitesWorkFactor_StillVerifies_AndSignInWorks()
    {
        var api = new Api(_factory);
        var patient = await api.RegisterPatient();
        var weak = new PasswordHasher<ApplicationUser>(Microsoft.Extensions.Options.Options.Create(
            new PasswordHasherOptions { IterationCount = MediVaultFactory.TestPasswordHashIterations }));
        await using (var scope = _factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(patient.Email))!;
            user.PasswordHash = weak.HashPassword(user, Api.StrongPassword);
            (await users.UpdateAsync(user)).Succeeded.Should().BeTrue();
        }

        var again = await api.LoginAs(patient.Email, Api.StrongPassword);

        again.Id.Should().Be(patient.Id);
        var rehashed = Convert.FromBase64String(await StoredHash(patient.Email));
        BinaryPrimitives.ReadUInt32BigEndian(rehashed.AsSpan(5)).Should().Be(100_000u,
            "a hash weaker than the app's setting is replaced at the next sign-in");
    }

    private async Task<string> StoredHash(string email)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email);
        return user!.PasswordHash!;
    }

    /// <summary>The PRF numbers of Identity's v3 header (KeyDerivationPrf).</summary>
    private enum KeyDerivationPrfNumber : uint
    {
        HmacSha1 = 0,
        HmacSha256 = 1,
        HmacSha512 = 2,
    }
}
