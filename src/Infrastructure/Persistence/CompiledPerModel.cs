using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MediVault.Infrastructure.Persistence;

/// <summary>
/// A compiled query (or a set of them), compiled once for each EF Core model it is used with. A compiled query belongs
/// to the model it first ran with and throws for any other. The SQLite and PostgreSQL contexts have different models
/// (each engine's compiled model, decisions.md §151, shared by every host of the process), and a context configured
/// without the compiled model builds one of its own (<c>CompiledModelTests</c>). Models that are no longer used are
/// collected with their queries.
/// </summary>
internal sealed class CompiledPerModel<TQuery>(Func<TQuery> compile)
    where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = new();

    /// <summary>The query compiled for <paramref name="context"/>'s model, compiled now if it is the model's first use.</summary>
    public TQuery For(DbContext context) =>
        _byModel.TryGetValue(context.Model, out var query) ? query : _byModel.GetValue(context.Model, _ => compile());
}
