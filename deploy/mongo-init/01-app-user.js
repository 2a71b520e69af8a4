// Runs once, when the mongo container initialises an empty data volume (as the root user).
// Creates the API's own user: readWrite on the application database only, nothing else.
const dbName = process.env.MONGO_INITDB_DATABASE || "leadscore";
const user = process.env.MONGO_APP_USERNAME || "leadscore";
const password = process.env.MONGO_APP_PASSWORD;
if (!password) {
  throw new Error("MONGO_APP_PASSWORD is not set");
}
db.getSiblingDB(dbName).createUser({
  user: user,
  pwd: password,
  roles: [{ role: "readWrite", db: dbName }],
});
print(`created user ${user} with readWrite on ${dbName}`);
