using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MediVault.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The transparency log (issue 11): the hashes of the Merkle tree's complete subtrees and every signed checkpoint.
    /// Plain tables read and written by the ledger over ADO.NET (no entity types): existing entries get their leaves at
    /// the first start after the migration (docs/ledger.md).
    /// </summary>
    public partial class I11TransparencyLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                CREATE TABLE "LedgerTreeNodes" (
                    "Level" INTEGER NOT NULL,
                    "Index" INTEGER NOT NULL,
                    "Hash" BLOB NOT NULL,
                    PRIMARY KEY ("Level", "Index")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql(
                """
                CREATE TABLE "LedgerCheckpoints" (
                    "TreeSize" INTEGER NOT NULL PRIMARY KEY,
                    "RootHash" BLOB NOT NULL,
                    "Note" TEXT NOT NULL,
                    "CreatedAt" TEXT NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "LedgerCheckpoints";""");
            migrationBuilder.Sql("""DROP TABLE "LedgerTreeNodes";""");
        }
    }
}
