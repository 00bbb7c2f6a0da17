using MediVault.Application.Common.Abstractions;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace MediVault.Infrastructure.Identity;

/// <summary>
/// OpenIddict's session (authorization) store, reporting every write to <see cref="IAuthorizationStateCache"/> after it
/// lands. Any revocation through <c>IOpenIddictAuthorizationManager</c> — logout, a password change, a lockout, revoking
/// an OAuth client's access, deleting an account — therefore reaches the cache without the caller knowing it exists.
/// </summary>
internal sealed class RevocationReportingAuthorizationStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    IAuthorizationStateCache state)
    : OpenIddictEntityFrameworkCoreAuthorizationStore<
        OpenIddictEntityFrameworkCoreAuthorization<Guid>, OpenIddictEntityFrameworkCoreApplication<Guid>, OpenIddictEntityFrameworkCoreToken<Guid>, Guid>(
        cache, context, options)
{
    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreAuthorization<Guid> authorization, CancellationToken cancellationToken)
    {
        try
        {
            await base.UpdateAsync(authorization, cancellationToken);
        }
        finally
        {
            await state.SessionChangedAsync(ConvertIdentifierToString(authorization.Id)!, cancellationToken);
        }
    }

    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreAuthorization<Guid> authorization, CancellationToken cancellationToken)
    {
        try
        {
            await base.DeleteAsync(authorization, cancellationToken);
        }
        finally
        {
            await state.SessionChangedAsync(ConvertIdentifierToString(authorization.Id)!, cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        try
        {
            return await base.RevokeAsync(subject, client, status, type, cancellationToken);
        }
        finally
        {
            await Report(state, subject, cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.RevokeByApplicationIdAsync(identifier, cancellationToken);
        }
        finally
        {
            await state.ClearAsync(cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.RevokeBySubjectAsync(subject, cancellationToken);
        }
        finally
        {
            await state.SubjectChangedAsync(subject, cancellationToken);
        }
    }

    public override async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        try
        {
            return await base.PruneAsync(threshold, cancellationToken);
        }
        finally
        {
            await state.ClearAsync(cancellationToken);
        }
    }

    internal static Task Report(IAuthorizationStateCache state, string? subject, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(subject) ? state.ClearAsync(cancellationToken) : state.SubjectChangedAsync(subject, cancellationToken);
}

/// <summary>OpenIddict's token store, reporting every write to <see cref="IAuthorizationStateCache"/> after it lands.</summary>
internal sealed class RevocationReportingTokenStore(
    IMemoryCache cache, IOpenIddictEntityFrameworkCoreContext context, IOptionsMonitor<OpenIddictEntityFrameworkCoreOptions> options,
    IAuthorizationStateCache state)
    : OpenIddictEntityFrameworkCoreTokenStore<
        OpenIddictEntityFrameworkCoreToken<Guid>, OpenIddictEntityFrameworkCoreApplication<Guid>, OpenIddictEntityFrameworkCoreAuthorization<Guid>, Guid>(
        cache, context, options)
{
    public override async ValueTask UpdateAsync(OpenIddictEntityFrameworkCoreToken<Guid> token, CancellationToken cancellationToken)
    {
        try
        {
            await base.UpdateAsync(token, cancellationToken);
        }
        finally
        {
            await state.TokenChangedAsync(ConvertIdentifierToString(token.Id)!, cancellationToken);
        }
    }

    public override async ValueTask DeleteAsync(OpenIddictEntityFrameworkCoreToken<Guid> token, CancellationToken cancellationToken)
    {
        try
        {
            await base.DeleteAsync(token, cancellationToken);
        }
        finally
        {
            await state.TokenChangedAsync(ConvertIdentifierToString(token.Id)!, cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeAsync(string? subject, string? client, string? status, string? type, CancellationToken cancellationToken)
    {
        try
        {
            return await base.RevokeAsync(subject, client, status, type, cancellationToken);
        }
        finally
        {
            await RevocationReportingAuthorizationStore.Report(state, subject, cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeByApplicationIdAsync(string identifier, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.RevokeByApplicationIdAsync(identifier, cancellationToken);
        }
        finally
        {
            await state.ClearAsync(cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeByAuthorizationIdAsync(string identifier, CancellationToken cancellationToken)
    {
        try
        {
            return await base.RevokeByAuthorizationIdAsync(identifier, cancellationToken);
        }
        finally
        {
            await state.SessionChangedAsync(identifier, cancellationToken);
        }
    }

    public override async ValueTask<long> RevokeBySubjectAsync(string subject, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.RevokeBySubjectAsync(subject, cancellationToken);
        }
        finally
        {
            await state.SubjectChangedAsync(subject, cancellationToken);
        }
    }

    public override async ValueTask<long> PruneAsync(DateTimeOffset threshold, CancellationToken cancellationToken)
    {
        try
        {
            return await base.PruneAsync(threshold, cancellationToken);
        }
        finally
        {
            await state.ClearAsync(cancellationToken);
        }
    }
}
